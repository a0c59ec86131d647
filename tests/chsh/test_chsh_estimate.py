"""Finite-sample CHSH: error formula, coverage, the two samplers agree in law, published anchors, bad inputs.

Statistical tests use seeds fixed before looking at results and acceptance regions with a stated
false-failure probability (1e-6 per test unless said otherwise).
"""

import math

import numpy as np
import pytest
import qutip as qt
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.chsh import (
    CHSHEstimate,
    chsh_value,
    estimate_chsh,
    optimal_settings,
    outcome_table,
    pairs_for_violation,
)
from pqms_physics.core.states import bell_state, werner_state
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.kernels import sample_counts

PHI = bell_state("phi+")
WERNER = werner_state(0.9)  # S_max = 2 sqrt(2) * 13/15 = 2.4513
ALPHA = 1e-6  # false-failure probability of each statistical test
SIGNS = np.array([1.0, 1.0, 1.0, -1.0])


def chsh_from_counts_by_hand(counts: np.ndarray) -> tuple[float, float]:
    """S and sigma_S re-derived from counts: E_k = (n00 - n01 - n10 + n11)/N_k, Var(E_k) = (1 - E_k^2)/N_k."""
    n_k = counts.sum(axis=1)
    e = (counts[:, 0] - counts[:, 1] - counts[:, 2] + counts[:, 3]) / n_k
    return float(SIGNS @ e), float(math.sqrt(np.sum((1 - e**2) / n_k)))


def binomial_acceptance(m: int, p: float, alpha: float = ALPHA) -> tuple[int, int]:
    """Two-sided acceptance region [lo, hi] of Binomial(m, p) holding with probability >= 1 - alpha."""
    return int(scipy.stats.binom.ppf(alpha / 2, m, p)), int(scipy.stats.binom.isf(alpha / 2, m, p))


def s_and_sigma_of_windows(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised S_hat and sigma_S of many (4, 4) count tables (independent re-derivation)."""
    n_k = windows.sum(axis=2)
    e = (windows[..., 0] - windows[..., 1] - windows[..., 2] + windows[..., 3]) / n_k
    return e @ SIGNS, np.sqrt(((1 - e**2) / n_k).sum(axis=1))


# ------------------------------------------------------------------ error formula
@pytest.mark.parametrize("sampler", ["multinomial", "kernel"])
def test_stderr_of_phi_plus_with_random_settings_is_sqrt_8_over_n(sampler):
    n = 4_000_000
    est = estimate_chsh(PHI, n, seed=11, sampler=sampler)
    # sigma^2 = sum_k (1 - E_k^2)/N_k with E_k^2 = 1/2, N_k ~ N/4: 8/N. The plug-in fluctuates by
    # O(1/sqrt(N)) relative (~0.2% here); 1% is > 5 of its standard deviations.
    assert est.stderr == pytest.approx(math.sqrt(8 / n), rel=0.01)
    assert (est.value, est.stderr) == pytest.approx(chsh_from_counts_by_hand(est.counts), abs=1e-15)
    # |S_hat - 2 sqrt 2| < 5 sigma: false-failure probability 6e-7
    assert abs(est.value - 2 * math.sqrt(2)) < 5 * math.sqrt(8 / n)


@pytest.fixture(scope="module")
def phi_plus_runs() -> list:
    """3000 independent multinomial experiments of N = 1000 pairs of Phi+ (seeds 0..2999), shared by the
    spread, coverage and sampler-agreement tests."""
    return [estimate_chsh(PHI, RUN_PAIRS, seed=s, sampler="multinomial") for s in range(3000)]


RUN_PAIRS = 1000


def test_spread_of_s_hat_over_many_runs_matches_sqrt_8_over_n_chi_square(phi_plus_runs):
    m, n = len(phi_plus_runs), RUN_PAIRS
    values = np.array([r.value for r in phi_plus_runs])
    # (m - 1) s^2 / sigma^2 ~ chi2(m - 1) for Gaussian S_hat; at N = 1000 the Gaussian approximation
    # and the O(1/N) inflation of E[1/N_k] change the variance by < 1%, far below the +-13% window.
    stat = (m - 1) * values.var(ddof=1) / (8 / n)
    lo, hi = scipy.stats.chi2.ppf(ALPHA / 2, m - 1), scipy.stats.chi2.isf(ALPHA / 2, m - 1)
    assert lo < stat < hi
    assert abs(values.mean() - 2 * math.sqrt(2)) < 5 * math.sqrt(8 / n / m)


def test_from_counts_gives_the_textbook_wald_p_value_and_interval():
    counts = np.array([[40, 10, 10, 40], [35, 15, 15, 35], [45, 5, 5, 45], [12, 38, 38, 12]])
    est = CHSHEstimate.from_counts(counts)
    s, sigma = chsh_from_counts_by_hand(counts)  # E = 0.6, 0.4, 0.8, -0.52: S = 2.32
    assert est.value == pytest.approx(2.32, abs=1e-14) and est.value == pytest.approx(s, abs=1e-14)
    assert est.stderr == pytest.approx(sigma, abs=1e-15)
    assert est.p_value == pytest.approx(scipy.stats.norm.sf((s - 2) / sigma), rel=1e-12)
    assert est.n_sigma == pytest.approx((s - 2) / sigma, rel=1e-14)
    lo, hi = scipy.stats.norm.interval(0.9, loc=s, scale=sigma)
    assert est.ci(0.9) == pytest.approx((lo, hi), abs=1e-13)
    assert est.to_dict()["counts"] == counts.tolist() and est.to_dict()["setting_pairs"] == [100] * 4


@given(st.lists(st.integers(1, 50), min_size=16, max_size=16), st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_interval_contains_estimate_widens_with_level_and_p_value_is_a_probability(cells, l1, l2):
    est = CHSHEstimate.from_counts(np.array(cells).reshape(4, 4))
    assert -4 <= est.value <= 4 and est.stderr >= 0 and 0 <= est.p_value <= 1
    (a_lo, a_hi), (b_lo, b_hi) = est.ci(min(l1, l2)), est.ci(max(l1, l2))
    assert b_lo <= a_lo <= est.value <= a_hi <= b_hi


def test_a_setting_without_pairs_leaves_s_undefined_not_zero():
    counts = np.array([[5, 0, 0, 5], [5, 0, 0, 5], [5, 0, 0, 5], [0, 0, 0, 0]])
    est = CHSHEstimate.from_counts(counts)
    assert math.isnan(est.value) and math.isnan(est.stderr) and math.isnan(est.p_value)


def test_zero_observed_variance_gives_a_degenerate_but_defined_p_value():
    perfect = np.array([[10, 0, 0, 10], [10, 0, 0, 10], [10, 0, 0, 10], [0, 10, 10, 0]])  # S_hat = 4
    est = CHSHEstimate.from_counts(perfect)
    assert est.value == 4.0 and est.stderr == 0.0 and est.p_value == 0.0 and est.n_sigma == math.inf


# ------------------------------------------------------------------------ coverage
def test_95_percent_interval_covers_exact_s_95_percent_of_the_time_multinomial(phi_plus_runs):
    m, exact = len(phi_plus_runs), chsh_value(PHI)
    covered = sum(lo <= exact <= hi for lo, hi in (r.ci(0.95) for r in phi_plus_runs))
    # Binomial(3000, 0.95) acceptance at 1e-6: [2788, 2905] = coverage 0.929..0.968. The Wald
    # interval's own coverage at N = 1000 is 0.9489 for Phi+ and 0.9488 for the Werner state
    # (one-off 4e5-run simulations while writing this test): false-failure probability < 2e-6.
    lo_k, hi_k = binomial_acceptance(m, 0.95)
    assert lo_k <= covered <= hi_k


def test_95_percent_interval_coverage_on_kernel_stream_windows():
    # 2000 independent experiments of N = 1000 pairs: consecutive windows of one kernel run
    m, n = 2000, 1000
    table = outcome_table(WERNER, optimal_settings(WERNER))
    windows = sample_counts(table, m * n, seed=20240601, window=n).window_counts
    s_hat, sigma = s_and_sigma_of_windows(windows)
    covered = int(np.sum(np.abs(s_hat - chsh_value(WERNER)) <= 1.959963984540054 * sigma))
    # acceptance [1849, 1944] at 1e-6; false-failure 1.6e-6 at the Wald coverage 0.9488 (see above)
    lo_k, hi_k = binomial_acceptance(m, 0.95)
    assert lo_k <= covered <= hi_k
    # the library's own estimate agrees with the re-derivation on a window
    est = CHSHEstimate.from_counts(windows[0])
    assert (est.value, est.stderr) == pytest.approx((s_hat[0], sigma[0]), abs=1e-15)


# ------------------------------------------------ kernel and multinomial agree in law
def test_kernel_and_multinomial_counts_are_homogeneous_and_fit_the_exact_table():
    n = 2_000_000
    kern = estimate_chsh(WERNER, n, seed=5, sampler="kernel").counts.ravel()
    mult = estimate_chsh(WERNER, n, seed=5, sampler="multinomial").counts.ravel()
    expected = outcome_table(WERNER, optimal_settings(WERNER)).ravel() / 4 * n
    for obs in (kern, mult):
        assert scipy.stats.chisquare(obs, expected).pvalue > ALPHA
    assert scipy.stats.chi2_contingency(np.vstack([kern, mult]))[1] > ALPHA


def test_kernel_and_multinomial_give_the_same_distribution_of_s_hat_ks_test(phi_plus_runs):
    m, n = 2000, RUN_PAIRS
    table = outcome_table(PHI, optimal_settings(PHI))
    s_kernel, _ = s_and_sigma_of_windows(sample_counts(table, m * n, seed=77, window=n).window_counts)
    s_mult = np.array([r.value for r in phi_plus_runs])
    assert scipy.stats.ks_2samp(s_kernel, s_mult).pvalue > ALPHA


@pytest.mark.parametrize("sampler", ["multinomial", "kernel"])
def test_blocks_give_exactly_a_quarter_of_the_pairs_to_each_setting(sampler):
    est = estimate_chsh(WERNER, 40_000, seed=3, sampler=sampler, setting_choice="blocks")
    assert est.setting_pairs.tolist() == [10_000] * 4 and est.setting_choice == "blocks"
    assert abs(est.value - est.exact_value) < 5 * est.stderr  # false failure 6e-7


def test_random_settings_split_pairs_uniformly_chi_square():
    est = estimate_chsh(WERNER, 1_000_000, seed=4, sampler="kernel")
    assert est.pairs == 1_000_000 and len(set(est.setting_pairs.tolist())) > 1
    assert scipy.stats.chisquare(est.setting_pairs).pvalue > ALPHA


def test_kernel_sampler_is_the_kernel_stream_and_devices_agree_exactly():
    from pqms_physics import kernels
    from pqms_physics.chsh import estimate as chsh_estimate

    assert chsh_estimate.DEVICES == kernels.DEVICES  # the boundary check mirrors the kernels' list
    settings = optimal_settings(WERNER)
    direct = sample_counts(outcome_table(WERNER, settings), 20_000, seed=9).counts
    for device in ("cpu", "numpy"):
        est = estimate_chsh(WERNER, 20_000, seed=9, device=device)
        np.testing.assert_array_equal(est.counts, direct)
        assert est.stream_version.startswith("splitmix64") and est.device == device


@pytest.mark.parametrize("sampler", ["multinomial", "kernel"])
def test_same_seed_same_counts_other_seed_other_counts(sampler):
    a, b = (estimate_chsh(WERNER, 10_000, seed=s, sampler=sampler) for s in (1, 1))
    c = estimate_chsh(WERNER, 10_000, seed=2, sampler=sampler)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert not np.array_equal(a.counts, c.counts)
    assert not a.counts.flags.writeable


def test_multinomial_sampler_handles_1e15_pairs_and_converges_to_exact_s():
    est = estimate_chsh(WERNER, 10**15, seed=1, sampler="multinomial")
    assert est.pairs == 10**15 and est.counts.sum() == 10**15
    assert abs(est.value - est.exact_value) < 5 * est.stderr and est.stderr < 1e-7


def test_estimate_at_given_settings_targets_the_exact_value_at_those_settings():
    settings = (0.0, math.pi / 2, math.pi / 4, 3 * math.pi / 4)  # S = 0 for Phi+ (E11 cancels E10)
    est = estimate_chsh(PHI, 100_000, seed=8, settings=settings, sampler="multinomial")
    assert est.exact_value == pytest.approx(chsh_value(PHI, settings=settings), abs=1e-15)
    assert abs(est.value - est.exact_value) < 5 * est.stderr and est.p_value > 1e-3


# ------------------------------------------------------------- published anchors
def test_hensen_2015_error_bar_from_245_trials_is_reproduced_by_the_formula():
    # Hensen et al., Nature 526, 682 (2015): S = 2.42 +- 0.20 from 245 trials. Assumptions: trials split
    # evenly over the four settings and |E_k| = S/4 for each. The formula gives 0.203; their p = 0.039
    # comes from a test without the Gaussian approximation (Wald would give 0.019).
    s, n = 2.42, 245
    e = s / 4
    sigma = math.sqrt(4 * (1 - e**2) / (n / 4))
    assert round(sigma, 2) == 0.20
    n_k = np.array([61, 61, 61, 62])
    same = np.rint(n_k * (1 + SIGNS * e) / 2).astype(int)  # n00 + n11 per setting (E_11 = -S/4)
    diff = n_k - same
    counts = np.column_stack([same // 2, diff // 2, diff - diff // 2, same - same // 2])  # 00, 01, 10, 11
    est = CHSHEstimate.from_counts(counts)
    assert est.pairs == 245 and est.value == pytest.approx(s, abs=0.02)  # integer counts round E_k
    assert est.stderr == pytest.approx(0.20, abs=0.006)


def test_storz_2023_error_bar_at_a_million_trials():
    # Storz et al., Nature 617, 265 (2023): S = 2.0747 +- 0.0033 from "more than 1 million trials" (random
    # settings). The formula gives 0.00342 at exactly 1e6 even-split trials; 0.0033 corresponds to
    # ~1.07e6 trials (sigma ~ 1/sqrt(N)), consistent with "more than 1 million".
    s = 2.0747
    counts_for = lambda n: (4 * (1 - (s / 4) ** 2) * 4 / n) ** 0.5  # noqa: E731
    assert counts_for(1e6) == pytest.approx(0.00342, abs=5e-6)
    n_implied = 4 * (1 - (s / 4) ** 2) * 4 / 0.0033**2
    assert n_implied > 1.0e6 and n_implied < 1.1e6
    # the library's estimate on a simulated Storz-like run: Werner state with S_max = 2.0747
    w = s / (2 * math.sqrt(2))
    est = estimate_chsh(werner_state((3 * w + 1) / 4), 1_000_000, seed=2023, sampler="multinomial")
    assert est.exact_value == pytest.approx(s, abs=1e-12)
    assert est.stderr == pytest.approx(0.00342, rel=0.01)


# --------------------------------------------------------------- pairs for violation
def test_pairs_for_violation_of_phi_plus_matches_the_closed_form():
    # 4 * sum(1 - E_k^2) * 25 / (2 sqrt 2 - 2)^2 with E_k^2 = 1/2
    assert pairs_for_violation(PHI, n_sigma=5.0) == math.ceil(200 / (2 * math.sqrt(2) - 2) ** 2)


def test_runs_of_the_planned_size_reach_n_sigma_with_the_planned_power():
    n_sigma, power = 3.0, 0.8
    n = pairs_for_violation(WERNER, n_sigma=n_sigma, power=power)
    m = 1000
    hits = sum(estimate_chsh(WERNER, n, seed=s, sampler="multinomial").n_sigma >= n_sigma for s in range(m))
    # The plan is a normal approximation that ignores the fluctuation of sigma_hat and N_k: a one-off
    # 4e5-run simulation while writing this test gave power 0.782 at the planned N = 724. We allow the
    # plan +-0.03 of power and accept the binomial region at 1e-6 around that band (about +-0.06 wider).
    lo_k, hi_k = binomial_acceptance(m, power - 0.03)[0], binomial_acceptance(m, power + 0.03)[1]
    assert lo_k <= hits <= hi_k


def test_pairs_for_violation_refuses_states_without_violation():
    with pytest.raises(PQMSValueError, match="rho must give S > 2"):
        pairs_for_violation(werner_state(0.75))


# -------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        pytest.param({"pairs": 0}, PQMSValueError, "pairs must be >= 1, got 0", id="zero-pairs"),
        pytest.param({"pairs": -5}, PQMSValueError, "pairs must be >= 1, got -5", id="negative-pairs"),
        pytest.param({"pairs": 2.5}, PQMSValueError, "pairs must be an integer, got 2.5", id="fractional-pairs"),
        pytest.param(
            {"pairs": 10, "setting_choice": "blocks"},
            PQMSValueError,
            "pairs must be a multiple of 4 with setting_choice='blocks', got 10",
            id="blocks-not-4",
        ),
        pytest.param({"seed": -1}, PQMSValueError, "seed must be >= 0, got -1", id="negative-seed"),
        pytest.param(
            {"sampler": "mc"}, PQMSValueError, r"sampler must be one of \['kernel', 'multinomial'\]", id="sampler"
        ),
        pytest.param({"setting_choice": "cyclic"}, PQMSValueError, "setting_choice must be one of", id="choice"),
        pytest.param({"rho": qt.qeye([2, 2]) / 2}, PQMSValueError, "rho must have trace 1", id="trace"),
        pytest.param(
            {"rho": qt.Qobj(np.diag([1.1, -0.1, 0, 0]), dims=[[2, 2], [2, 2]])},
            PQMSValueError,
            "rho must be positive semidefinite",
            id="negative-rho",
        ),
        pytest.param({"rho": qt.qeye(2) / 2}, DimensionError, "rho must be a 2-qubit state", id="one-qubit"),
        pytest.param({"rho": np.eye(4) / 4}, PQMSValueError, "rho must be a qutip.Qobj", id="ndarray"),
        pytest.param({"settings": (0.0, 1.0)}, PQMSValueError, "settings must hold 4 directions", id="settings"),
        pytest.param(
            {"device": "gpu"}, PQMSValueError, r"device must be one of \['cpu', 'numpy', 'cuda'\]", id="device"
        ),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_parameter(kwargs, exc, match):
    args = {"rho": PHI, "pairs": 1000, "seed": 1, "sampler": "multinomial"} | kwargs
    with pytest.raises(exc, match=match):
        estimate_chsh(**args)
    assert issubclass(exc, ValueError)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, -0.1])
def test_confidence_level_must_lie_strictly_between_0_and_1(level):
    est = estimate_chsh(PHI, 1000, seed=1, sampler="multinomial")
    with pytest.raises(PQMSValueError, match="level must be"):
        est.ci(level)


@pytest.mark.parametrize(
    "counts, match",
    [
        pytest.param(np.ones((4, 3), dtype=int), r"counts must have shape \(4, 4\)", id="shape"),
        pytest.param(-np.ones((4, 4), dtype=int), "counts must be non-negative integers", id="negative"),
        pytest.param(np.full((4, 4), 0.5), "counts must be non-negative integers", id="fractional"),
        pytest.param(np.zeros((4, 4), dtype=int), "counts must contain at least one pair", id="empty"),
        pytest.param([["a"] * 4] * 4, "counts must be a", id="strings"),
    ],
)
def test_bad_counts_raise_naming_counts(counts, match):
    with pytest.raises(PQMSValueError, match=match):
        CHSHEstimate.from_counts(counts)
