"""The one exact multinomial sampler: its law, its seeding scheme, and that CHSH and NCT both use it."""

import numpy as np
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.kernels.multinomial import (
    MULTINOMIAL_STREAM_VERSION,
    multinomial_generator,
    sample_multinomial,
    setting_pairs,
)

CHSH = np.array([[0.425, 0.075, 0.075, 0.425]] * 3 + [[0.075, 0.425, 0.425, 0.075]])


def test_same_seed_and_stream_give_the_same_counts_and_others_differ():
    a = sample_multinomial(CHSH, 10**6, 5, stream=2)
    assert np.array_equal(a.counts, sample_multinomial(CHSH, 10**6, 5, stream=2).counts)
    assert not np.array_equal(a.counts, sample_multinomial(CHSH, 10**6, 5, stream=3).counts)
    assert not np.array_equal(a.counts, sample_multinomial(CHSH, 10**6, 6, stream=2).counts)
    assert a.stream_version == f"{MULTINOMIAL_STREAM_VERSION}+numpy-{np.__version__}"


def test_the_generator_is_pcg64_seeded_by_seedsequence_with_the_stream_as_spawn_key():
    # the seeding scheme written in the module docstring, rebuilt here from NumPy directly
    ref = np.random.Generator(np.random.PCG64(np.random.SeedSequence(11, spawn_key=(4,))))
    assert multinomial_generator(11, 4).integers(2**62, size=4).tolist() == ref.integers(2**62, size=4).tolist()
    res = sample_multinomial([[0.3, 0.7]], 1000, 11, setting_choice="cyclic", stream=4)
    ref = np.random.Generator(np.random.PCG64(np.random.SeedSequence(11, spawn_key=(4,))))
    assert res.counts.tolist() == ref.multinomial([[1000]], [[0.3, 0.7]])[0].tolist()


@pytest.mark.parametrize("rule", ["cyclic", "blocks"])
@pytest.mark.parametrize("window", [None, 40])
def test_fixed_rules_give_each_setting_the_kernels_pairs(rule, window):
    mult = sample_multinomial(CHSH, 400, 1, setting_choice=rule, window=window)
    kern = sample_counts(CHSH, 400, 1, setting_choice=rule, window=window, device="numpy")
    np.testing.assert_array_equal(mult.counts.sum(axis=1), kern.counts.sum(axis=1))
    if window is not None:
        np.testing.assert_array_equal(mult.window_counts.sum(axis=2), kern.window_counts.sum(axis=2))
        np.testing.assert_array_equal(mult.window_counts.sum(axis=0), mult.counts)


@pytest.mark.parametrize(
    ("lo", "hi", "rule", "total"),
    [(0, 10, "cyclic", 10), (3, 17, "cyclic", 20), (0, 8, "blocks", 8), (5, 7, "blocks", 8)],
)
def test_setting_pairs_match_a_direct_count_of_the_rule(lo, hi, rule, total):
    s = 4 if rule == "cyclic" else 2
    i = np.arange(lo, hi)
    direct = np.bincount(i % s if rule == "cyclic" else i // (total // s), minlength=s)
    assert setting_pairs(s, lo, hi, rule, total).tolist() == direct.tolist()


def test_cell_means_and_variances_follow_the_multinomial_law():
    # 2000 runs of N = 1e4 random-setting pairs: cell c has mean N p_c and variance N p_c (1 - p_c),
    # p_c = probs / S (closed form); 5-sigma bounds on the sample mean and a 15% band on the variance
    # (the relative sd of a variance estimate from 2000 runs is about sqrt(2/2000) = 3%).
    n, runs = 10_000, 2000
    p = (CHSH / 4).ravel()
    draws = np.array([sample_multinomial(CHSH, n, seed).counts.ravel() for seed in range(runs)])
    mean_sd = np.sqrt(n * p * (1 - p) / runs)
    assert np.all(np.abs(draws.mean(axis=0) - n * p) < 5 * mean_sd)
    np.testing.assert_allclose(draws.var(axis=0, ddof=1), n * p * (1 - p), rtol=0.15)


def test_chsh_estimator_and_pool_experiments_use_this_sampler():
    from pqms_physics.chsh.estimate import estimate_chsh
    from pqms_physics.chsh.exact import _optimal_settings, _outcome_table
    from pqms_physics.core.states import werner_state
    from pqms_physics.nct.pools import pool_bias_experiment

    rho = werner_state(0.9)
    est = estimate_chsh(rho, 40_000, 7, sampler="multinomial")
    table = _outcome_table(rho.full(), _optimal_settings(rho.full()))
    assert est.counts.tolist() == sample_multinomial(table, 40_000, 7).counts.tolist()
    assert est.stream_version.startswith(MULTINOMIAL_STREAM_VERSION)

    r = pool_bias_experiment(5000, seed=3, sampler="multinomial", stream=2, window_per_pool=1000)
    pools = sample_multinomial(r.probabilities, 10_000, 3, setting_choice="cyclic", window=2000, stream=2)
    assert r.counts.tolist() == pools.counts.tolist() and r.stream_version == pools.stream_version


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(pairs=0), "pairs must be >= 1, got 0"),
        (dict(pairs=10, setting_choice="blocks"), "pairs must be divisible by the number of settings"),
        (dict(pairs=100, window=30), "window must divide pairs"),
        (dict(pairs=100, setting_choice="sometimes"), "setting_choice must be one of"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        sample_multinomial(CHSH, seed=1, **kwargs)


def test_result_is_serialisable_and_read_only():
    res = sample_multinomial(CHSH, 100, 1, window=50)
    d = res.to_dict()
    assert d["counts"] == res.counts.tolist() and d["window"] == 50 and d["device"] == "numpy"
    with pytest.raises(ValueError):
        res.counts[0, 0] = 1
