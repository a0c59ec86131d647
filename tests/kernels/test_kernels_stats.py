"""Statistical quality of the sampled counts: goodness of fit, agreement with NumPy's multinomial,
independence between pairs, windows and streams.

Seeds are fixed (chosen before looking at results). Each test states its false-failure
probability; the default suite's total is below 1e-2.
"""

import numpy as np
import pytest
from scipy import stats

from pqms_physics.kernels import sample_counts, sample_records

SEEDS = [1, 2, 3, 20240917, 2**64 - 1]
CHSH = np.array(
    [
        [0.425, 0.075, 0.075, 0.425],
        [0.425, 0.075, 0.075, 0.425],
        [0.425, 0.075, 0.075, 0.425],
        [0.075, 0.425, 0.425, 0.075],
    ]
)
# small cells (1e-4) check the low bits of the draws
SKEWED = np.array([[0.9, 0.0999, 0.0001, 0.0], [0.3, 0.2, 0.1, 0.4]])


def _gof_pvalue(counts, probs, rule):
    """Chi-square p-value of the counts against the exact (unquantised) probabilities."""
    pairs = counts.sum()
    if rule == "random":
        expected = (probs / probs.shape[0]).ravel() * pairs
        keep = expected > 0
        return stats.chisquare(counts.ravel()[keep], expected[keep]).pvalue
    # fixed settings: each row holds exactly pairs/S pairs; sum of per-row statistics
    stat, dof = 0.0, 0
    for row, p in zip(counts, probs, strict=True):
        keep = p > 0
        exp = p[keep] * row.sum()
        stat += ((row[keep] - exp) ** 2 / exp).sum()
        dof += keep.sum() - 1
    return stats.chi2.sf(stat, dof)


@pytest.mark.parametrize("probs", [CHSH, SKEWED], ids=["chsh", "skewed"])
@pytest.mark.parametrize("rule", ["random", "cyclic", "blocks"])
def test_counts_fit_the_exact_probabilities_at_1e7_pairs(probs, rule):
    # 5 seeds x 6 cases, each p-value > 1e-4: false-failure probability <= 30 * 1e-4 = 3e-3.
    # p-values that are uniformly large would betray a too-regular (stratified) stream: the 5
    # p-values of a case must not all exceed 0.9 (probability 1e-5 under the null).
    pvalues = [
        _gof_pvalue(sample_counts(probs, 10_000_000, seed, setting_choice=rule).counts, probs, rule) for seed in SEEDS
    ]
    assert min(pvalues) > 1e-4, pvalues
    assert not all(p > 0.9 for p in pvalues), pvalues


def test_counts_agree_with_numpy_multinomial_draws():
    # Two-sample homogeneity (chi-square contingency) of kernel counts and
    # numpy.random.Generator.multinomial counts, 1e7 pairs each, 5 seeds:
    # false-failure probability <= 5 * 1e-4.
    joint = (CHSH / 4).ravel()
    for seed in SEEDS:
        ours = sample_counts(CHSH, 10_000_000, seed).counts.ravel()
        theirs = np.random.default_rng(seed).multinomial(10_000_000, joint)
        assert stats.chi2_contingency(np.stack([ours, theirs])).pvalue > 1e-4


def test_count_fluctuations_across_seeds_match_multinomial_ones():
    # 400 runs of 1e4 pairs: the count of cell (0, 0) must be distributed like the multinomial's
    # marginal Binomial(1e4, 0.10625). Two-sample Kolmogorov-Smirnov against 400 multinomial draws
    # (conservative for discrete data) and the variance ratio against its chi-square law;
    # false-failure probability <= 2e-4.
    ours = np.array([sample_counts(CHSH, 10_000, seed).counts[0, 0] for seed in range(1000, 1400)])
    theirs = np.random.default_rng(7).multinomial(10_000, (CHSH / 4).ravel(), size=400)[:, 0]
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-4
    var = 10_000 * 0.10625 * (1 - 0.10625)
    q = (ours.size - 1) * ours.var(ddof=1) / var
    p_var = 2 * min(stats.chi2.cdf(q, ours.size - 1), stats.chi2.sf(q, ours.size - 1))
    assert p_var > 1e-4


@pytest.mark.parametrize("lag", [1, 2, 64, 4096])
def test_successive_pairs_are_independent(lag):
    # Contingency of (cell of pair i, cell of pair i+lag) over 1e6 pairs, 16 equiprobable cells
    # (random settings): chi-square independence test, 4 lags, false-failure <= 4e-4.
    probs = np.full((4, 4), 0.25)
    s, o = sample_records(probs, 1_000_000, 99, setting_choice="random")
    cell = s * 4 + o
    table = np.zeros((16, 16), dtype=np.int64)
    np.add.at(table, (cell[:-lag], cell[lag:]), 1)
    assert stats.chi2_contingency(table).pvalue > 1e-4


def test_window_counts_behave_like_independent_multinomials():
    # 2000 windows of 5000 pairs (cyclic CHSH): per-window count of outcome 00 under setting 0
    # is Binomial(1250, 0.425), independent between windows. Chi-square dispersion test and
    # lag-1 correlation (|r| * sqrt(n) ~ N(0, 1)); false-failure <= 2e-4.
    res = sample_counts(CHSH, 10_000_000, 5, setting_choice="cyclic", window=5000)
    x = res.window_counts[:, 0, 0].astype(float)
    var = 1250 * 0.425 * 0.575
    q = ((x - 1250 * 0.425) ** 2).sum() / var
    assert 2 * min(stats.chi2.cdf(q, x.size), stats.chi2.sf(q, x.size)) > 1e-4
    r = np.corrcoef(x[:-1], x[1:])[0, 1]
    assert abs(r) * np.sqrt(x.size - 1) < 3.9  # two-sided normal tail 1e-4


def test_streams_of_one_seed_are_uncorrelated():
    # Per-window counts of streams 0 and 1 (1000 windows): Pearson correlation test, false-failure 1e-4.
    a = sample_counts(CHSH, 4_000_000, 42, window=4000, stream=0).window_counts[:, 0, 0]
    b = sample_counts(CHSH, 4_000_000, 42, window=4000, stream=1).window_counts[:, 0, 0]
    assert stats.pearsonr(a, b).pvalue > 1e-4


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["random", "blocks"])
def test_counts_fit_the_exact_probabilities_at_1e9_pairs(rule):
    # 1e9 pairs resolve deviations of ~3e-5 in a cell probability; false-failure 2 * 1e-4.
    counts = sample_counts(SKEWED, 1_000_000_000, 31337, setting_choice=rule).counts
    assert _gof_pvalue(counts, SKEWED, rule) > 1e-4
