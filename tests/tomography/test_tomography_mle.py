"""Maximum-likelihood tomography: a physical state, the true state on exact data, and agreement with
independent optimisers written here.

Oracles (independent of pqms_physics.tomography.mle):
* the Hradil R rho R iteration (Hradil, PRA 55, R1561 (1997); Rehacek et al., PRA 75, 042108 (2007)) run to
  convergence, and scipy's L-BFGS-B on a Cholesky parametrisation rho = T T^dagger / tr(T T^dagger)
  (James et al., PRA 64, 052312 (2001), sec. IV): neither may reach a higher likelihood than the MLE beyond
  its certified gap;
* on expected counts N p(rho) the likelihood is maximised by rho itself (Gibbs' inequality).
"""

import json

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from hypothesis import strategies as st
from randomobjects import random_density_matrix
from scipy.optimize import minimize

from pqms_physics.core.states import bell_state, werner_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.tomography.inversion import linear_inversion
from pqms_physics.tomography.mle import maximum_likelihood_state
from pqms_physics.tomography.pauli import SETTING_NAMES, pauli_outcome_table

PAULI = {"x": qt.sigmax(), "y": qt.sigmay(), "z": qt.sigmaz()}
PROJ = np.array(
    [
        qt.tensor((qt.qeye(2) + (-1) ** a * PAULI[s[0]]) / 2, (qt.qeye(2) + (-1) ** b * PAULI[s[1]]) / 2).full()
        for s in SETTING_NAMES
        for a in (0, 1)
        for b in (0, 1)
    ]
)  # (36, 4, 4)


def log_likelihood(rho: np.ndarray, counts: np.ndarray) -> float:
    p = np.real(np.einsum("kab,ba->k", PROJ, rho))
    n = counts.ravel()
    return float(np.sum(n[n > 0] * np.log(p[n > 0])))


def rrr_oracle(counts: np.ndarray, iterations: int) -> np.ndarray:
    n = counts.ravel() / counts.sum()
    rho = np.eye(4, dtype=complex) / 4
    for _ in range(iterations):
        p = np.real(np.einsum("kab,ba->k", PROJ, rho))
        r = np.einsum("k,kab->ab", np.where(n > 0, n / p, 0.0), PROJ)
        rho = r @ rho @ r
        rho /= np.trace(rho).real
    return rho


def cholesky_oracle(counts: np.ndarray) -> np.ndarray:
    def nll(x):
        t = (x[:16] + 1j * x[16:]).reshape(4, 4)
        a = t @ t.conj().T
        return -log_likelihood(a / np.trace(a).real, counts)

    x0 = np.concatenate([np.eye(4).ravel(), np.zeros(16)])
    x = minimize(nll, x0, method="L-BFGS-B", options={"maxiter": 20000, "maxfun": 10**6, "ftol": 1e-15}).x
    t = (x[:16] + 1j * x[16:]).reshape(4, 4)
    return t @ t.conj().T / np.trace(t @ t.conj().T).real


def sampled(rho, pairs_per_setting, seed):
    return sample_counts(
        pauli_outcome_table(rho), 9 * pairs_per_setting, seed=seed, setting_choice="cyclic", device="numpy"
    ).counts


@given(st.integers(0, 2**32 - 1), st.sampled_from([10, 100, 3000]), st.floats(0.0, 1.0))
@settings(max_examples=25)
def test_mle_is_a_density_matrix_with_a_small_certified_gap(seed, pairs, purity):
    rho = purity * bell_state("psi+").proj() + (1 - purity) * random_density_matrix(seed, [2, 2])
    res = maximum_likelihood_state(sampled(rho, pairs, seed))
    m = res.state.full()
    np.testing.assert_allclose(m, m.conj().T, atol=1e-15)
    assert np.trace(m).real == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.eigvalsh(m).min() >= 0.0
    assert res.converged and 0.0 <= res.gap_bound <= res.tol


@pytest.mark.parametrize("seed", range(3))
def test_no_independent_optimiser_finds_a_higher_likelihood(seed):
    rho = 0.6 * werner_state(0.97) + 0.4 * random_density_matrix(seed, [2, 2])
    counts = sampled(rho, 500, 100 + seed)
    res = maximum_likelihood_state(counts, tol=1e-6)
    ours = log_likelihood(res.state.full(), counts)
    assert ours == pytest.approx(res.log_likelihood, abs=1e-9)
    for other in (rrr_oracle(counts, 3000), cholesky_oracle(counts)):
        theirs = log_likelihood(other, counts)
        assert theirs <= ours + res.gap_bound + 1e-9
        assert ours - theirs < 1e-2  # the oracles converge too (R rho R slowly): same optimum
    lin = linear_inversion(counts)
    if lin.is_physical:
        assert log_likelihood(lin.state.full(), counts) <= ours + res.gap_bound


@pytest.mark.parametrize("state", [werner_state(0.9), random_density_matrix(5, [2, 2])], ids=["werner", "random"])
def test_expected_counts_return_the_true_state(state):
    res = maximum_likelihood_state(1e5 * pauli_outcome_table(state), tol=1e-9)
    # the likelihood is flat to second order at its maximum: a gap of 1e-9 nats over 9e5 counts moves rho by
    # ~sqrt(1e-9 / 9e5) ~ 3e-8
    np.testing.assert_allclose(res.state.full(), state.full(), atol=1e-6)


def test_pure_state_on_the_boundary_is_found():
    res = maximum_likelihood_state(1e4 * pauli_outcome_table(bell_state("phi+")))
    assert res.fidelity == pytest.approx(1.0, abs=1e-6)
    assert res.concurrence == pytest.approx(1.0, abs=1e-4)
    json.dumps(res.to_dict())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(counts=np.ones((4, 9))), r"counts must have shape \(9, 4\)", id="shape"),
        pytest.param(dict(counts=-np.ones((9, 4))), r"counts must be >= 0", id="negative"),
        pytest.param(dict(counts=np.ones((9, 4)), tol=0.0), r"tol must be > 0, got 0.0", id="tol"),
        pytest.param(dict(counts=np.ones((9, 4)), max_iterations=0), r"max_iterations must be >= 1", id="iterations"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        maximum_likelihood_state(**kwargs)
