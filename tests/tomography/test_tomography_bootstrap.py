"""Bootstrap intervals of MLE fidelity and concurrence: the closed loop through sample_counts, agreement of the
bootstrap spread with the analytic correlator standard error, reproducibility, coverage.

Oracles: the true fidelity <Phi+|rho|Phi+> and concurrence (Wootters, PRL 80, 2245 (1998)) of the state that
generated the counts; Var F = sum_k (1 - E_k^2)/(16 n_k) of the XX/YY/ZZ estimator (binomial variance), which
the MLE fidelity's spread must approach for an interior state (asymptotic efficiency of the MLE can only make it
smaller, and it uses 9 settings, not 3); Binomial(n, level) for coverage (Efron & Tibshirani, 1993).
"""

import json

import numpy as np
import pytest
from scipy import stats

from pqms_physics.core.diagnostics import concurrence
from pqms_physics.core.states import werner_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.tomography.bootstrap import bootstrap_tomography
from pqms_physics.tomography.correlators import fidelity_from_pauli_counts
from pqms_physics.tomography.pauli import pauli_outcome_table

STATE = werner_state(0.85)  # interior: F = 0.85, C = 0.7


def counts_of(seed, pairs_per_setting=1000, state=STATE):
    return sample_counts(
        pauli_outcome_table(state), 9 * pairs_per_setting, seed=seed, setting_choice="cyclic", device="numpy"
    )


def test_closed_loop_state_to_intervals_containing_the_truth():
    r = bootstrap_tomography(counts_of(7), n_resamples=400, seed=3)
    assert r.fidelity_ci.low <= 0.85 <= r.fidelity_ci.high
    assert r.concurrence_ci.low <= concurrence(STATE) <= r.concurrence_ci.high
    assert r.fidelity_ci.low <= r.fidelity <= r.fidelity_ci.high
    assert r.max_gap_bound <= 1e-3
    json.dumps(r.to_dict())


@pytest.mark.parametrize("resampling", ["nonparametric", "parametric"])
def test_bootstrap_spread_is_bounded_by_the_correlator_stderr(resampling):
    counts = counts_of(11, 2000)
    r = bootstrap_tomography(counts, n_resamples=400, seed=5, resampling=resampling)
    wald = fidelity_from_pauli_counts(counts).stderr
    # the MLE uses all 9 settings: at most the XX/YY/ZZ error, and not far below it for a Werner state
    # (bootstrap std of 400 resamples: ~3.5 % relative error)
    assert 0.6 * wald <= r.fidelity_se <= 1.1 * wald
    assert r.concurrence_se == pytest.approx(2 * r.fidelity_se, rel=0.2)  # C = 2F - 1 for the Werner family


def test_same_seed_same_intervals_other_seed_other_intervals():
    counts = counts_of(1)
    a = bootstrap_tomography(counts, n_resamples=100, seed=42)
    b = bootstrap_tomography(counts, n_resamples=100, seed=42)
    c = bootstrap_tomography(counts, n_resamples=100, seed=43)
    assert a.to_dict() == b.to_dict()
    assert a.fidelity_ci != c.fidelity_ci


def _coverage(n_datasets, n_resamples, level):
    hits_f = hits_c = 0
    for s in range(n_datasets):
        r = bootstrap_tomography(counts_of(5000 + s, 300), n_resamples=n_resamples, seed=s, level=level)
        hits_f += r.fidelity_ci.low <= 0.85 <= r.fidelity_ci.high
        hits_c += r.concurrence_ci.low <= 0.7 <= r.concurrence_ci.high
    return hits_f, hits_c


def test_percentile_interval_coverage_is_near_nominal_quick():
    n, level = 40, 0.9
    hits_f, hits_c = _coverage(n, 100, level)
    for hits in (hits_f, hits_c):  # exact two-sided binomial test; p < 1e-3 flags a miscalibrated interval
        assert stats.binomtest(hits, n, level).pvalue > 1e-3, (hits_f, hits_c)


@pytest.mark.slow
def test_percentile_interval_coverage_is_near_nominal():
    n, level = 300, 0.95
    hits_f, hits_c = _coverage(n, 500, level)
    for hits in (hits_f, hits_c):
        assert stats.binomtest(hits, n, level).pvalue > 1e-3, (hits_f, hits_c)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(counts=np.ones((9, 5))), r"counts must have shape \(9, 4\)", id="shape"),
        pytest.param(dict(counts=np.full((9, 4), -3)), r"counts must be >= 0, got -3", id="negative"),
        pytest.param(dict(counts=np.full((9, 4), 2.5)), r"counts must hold integer counts", id="fraction"),
        pytest.param(dict(n_resamples=5), r"n_resamples must be >= 10, got 5", id="resamples"),
        pytest.param(dict(seed=-1), r"seed must be >= 0, got -1", id="seed"),
        pytest.param(dict(level=1.5), r"level must be in \(0, 1\), got 1.5", id="level"),
        pytest.param(dict(resampling="jackknife"), r"resampling must be one of", id="resampling"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, match):
    args = dict(counts=np.full((9, 4), 10), seed=1)
    args.update(kwargs)
    with pytest.raises(PQMSValueError, match=match):
        bootstrap_tomography(**args)
