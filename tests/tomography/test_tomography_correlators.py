"""Phi+ fidelity from XX, YY, ZZ: exact identity, Monte Carlo spread, CI coverage through sample_counts.

Oracles: |Phi+><Phi+| = (II + XX - YY + ZZ)/4 (so F from correlators equals <Phi+|rho|Phi+> for every state,
checked with pqms_physics.core.states.fidelity); the binomial variance (1 - E^2)/n of a +-1 mean; coverage of
a 95 % interval over independent seeds ~ Binomial(n, 0.95) (exact binomial test, scipy).
"""

import json

import numpy as np
import pytest
from randomobjects import random_density_matrix
from scipy import stats

from pqms_physics.core.states import bell_state, fidelity, werner_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.tomography.correlators import fidelity_from_correlators, fidelity_from_pauli_counts
from pqms_physics.tomography.pauli import SETTING_NAMES, pauli_outcome_table

ROWS = [SETTING_NAMES.index(s) for s in ("xx", "yy", "zz")]


@pytest.mark.parametrize("seed", range(5))
def test_correlator_fidelity_equals_the_phi_plus_overlap_for_any_state(seed):
    rho = random_density_matrix(seed, [2, 2])
    counts = np.round(1e12 * pauli_outcome_table(rho)[ROWS])  # expected counts: rounding error ~1e-12 relative
    r = fidelity_from_correlators(*counts)
    assert r.fidelity == pytest.approx(fidelity(rho, bell_state("phi+")), abs=1e-10)


def test_stderr_matches_the_spread_over_seeds():
    table = pauli_outcome_table(werner_state(0.85))[ROWS]
    runs = [
        fidelity_from_correlators(
            *sample_counts(table, 3 * 400, seed=s, setting_choice="blocks", device="numpy").counts
        )
        for s in range(300)
    ]
    spread = np.std([r.fidelity for r in runs], ddof=1)
    mean_se = np.mean([r.stderr for r in runs])
    # the sample std of 300 draws has relative error ~ 1/sqrt(2 * 299) = 4 %; allow 4 sigma
    assert mean_se == pytest.approx(spread, rel=0.16)
    assert np.mean([r.fidelity for r in runs]) == pytest.approx(0.85, abs=4 * spread / np.sqrt(300))


def test_closed_loop_state_table_counts_fidelity_within_its_ci():
    rho = 0.7 * random_density_matrix(11, [2, 2]) + 0.3 * bell_state("phi+").proj()
    counts = sample_counts(pauli_outcome_table(rho), 9 * 2000, seed=2026, setting_choice="cyclic", device="numpy")
    r = fidelity_from_pauli_counts(counts)
    assert r.pairs == (2000, 2000, 2000)
    assert r.contains(fidelity(rho, bell_state("phi+")))


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_wald_interval_coverage_is_near_nominal(level):
    truth = 0.8
    table = pauli_outcome_table(werner_state(truth))[ROWS]
    n = 400
    covered = sum(
        fidelity_from_correlators(
            *sample_counts(table, 3 * 500, seed=1000 + s, setting_choice="random", device="numpy").counts, level=level
        ).contains(truth)
        for s in range(n)
    )
    # two-sided exact binomial test of the coverage; p < 1e-3 would flag a miscalibrated interval
    assert stats.binomtest(covered, n, level).pvalue > 1e-3, covered


def test_result_is_frozen_and_serialisable():
    r = fidelity_from_correlators([10, 0, 0, 10], [0, 10, 10, 0], [10, 0, 0, 10])
    assert r.fidelity == 1.0 and r.stderr == 0.0  # the Wald interval's boundary failure, documented
    json.dumps(r.to_dict())
    with pytest.raises(AttributeError):
        r.fidelity = 0.5


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(counts_yy=[1, 2, 3]), r"counts_yy must have shape \(4,\)", id="shape"),
        pytest.param(dict(counts_zz=[1, -2, 3, 4]), r"counts_zz must be >= 0, got -2", id="negative"),
        pytest.param(dict(counts_xx=[0, 0, 0, 0]), r"counts_xx must hold at least one count", id="empty"),
        pytest.param(dict(counts_xx=[1.5, 0, 0, 1]), r"counts_xx must be an integer, got 1.5", id="fraction"),
        pytest.param(dict(level=1.0), r"level must be in the open interval \(0, 1\)", id="level"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, match):
    args = dict(counts_xx=[5, 1, 1, 5], counts_yy=[1, 5, 5, 1], counts_zz=[5, 1, 1, 5])
    args.update(kwargs)
    with pytest.raises(PQMSValueError, match=match):
        fidelity_from_correlators(**args)
