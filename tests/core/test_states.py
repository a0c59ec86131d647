"""Bell, Werner and Bell-diagonal states; the squared fidelity convention."""

import numpy as np
import pytest
import qutip as qt
import scipy.linalg
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics import conventions
from pqms_physics.core.states import (
    as_density_matrix,
    bell_diagonal_state,
    bell_state,
    bell_weights,
    fidelity,
    pauli,
    werner_parameter,
    werner_state,
)
from pqms_physics.errors import DimensionError

PHI_PLUS = bell_state("phi+")


def uhlmann_fidelity_squared(rho: np.ndarray, sigma: np.ndarray) -> float:
    """Independent evaluation of (tr sqrt(sqrt(rho) sigma sqrt(rho)))^2 with scipy's sqrtm."""
    s = scipy.linalg.sqrtm(rho)
    return float(np.real(np.trace(scipy.linalg.sqrtm(s @ sigma @ s))) ** 2)


def test_bell_states_are_an_orthonormal_basis_with_two_qubit_dims():
    kets = [bell_state(n) for n in conventions.BELL_NAMES]
    for k in kets:
        # QuTiP 5 writes two-qubit ket dims as [[2, 2], [1]] (QuTiP 4 wrote [[2, 2], [1, 1]])
        assert k.isket and k.dims[0] == [2, 2]
        assert k.dims == qt.tensor(qt.basis(2, 0), qt.basis(2, 0)).dims
    gram = np.array([[a.overlap(b) for b in kets] for a in kets])
    np.testing.assert_allclose(gram, np.eye(4), atol=1e-15)


def test_phi_plus_is_the_symmetric_superposition_of_00_and_11():
    expected = (qt.tensor(qt.basis(2, 0), qt.basis(2, 0)) + qt.tensor(qt.basis(2, 1), qt.basis(2, 1))).unit()
    assert abs(expected.overlap(PHI_PLUS)) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("index", range(4), ids=conventions.BELL_NAMES)
def test_bell_index_equals_pauli_on_qubit_1_of_phi_plus(index):
    name, pname = conventions.BELL_NAMES[index], conventions.PAULI_NAMES[index]
    moved = qt.tensor(qt.qeye(2), pauli(pname)) * PHI_PLUS
    overlap = bell_state(name).overlap(moved)
    assert abs(overlap) == pytest.approx(1.0, abs=1e-15)  # equal up to a global phase


@given(st.floats(0.0, 1.0))
def test_werner_state_has_the_requested_fidelity_and_w_formula(f):
    rho = werner_state(f)
    assert fidelity(rho, PHI_PLUS) == pytest.approx(f, abs=1e-12)
    w = werner_parameter(f)
    expected = w * qt.ket2dm(PHI_PLUS).full() + (1 - w) * np.eye(4) / 4
    np.testing.assert_allclose(rho.full(), expected, atol=1e-14)
    assert np.linalg.eigvalsh(rho.full()).min() >= -1e-14  # a valid state for every F in [0, 1]


def test_werner_state_is_bell_diagonal_with_equal_error_weights():
    f = 0.85
    np.testing.assert_allclose(
        werner_state(f).full(), bell_diagonal_state(f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3).full(), atol=1e-15
    )


def test_bell_diagonal_state_applies_pauli_errors_to_qubit_1():
    p = np.array([0.6, 0.1, 0.2, 0.1])
    direct = sum(
        pk * qt.ket2dm(qt.tensor(qt.qeye(2), pauli(s)) * PHI_PLUS) for pk, s in zip(p, conventions.PAULI_NAMES)
    )
    np.testing.assert_allclose(bell_diagonal_state(*p).full(), direct.full(), atol=1e-15)
    np.testing.assert_allclose(bell_weights(direct), p, atol=1e-15)


def test_fidelity_is_the_square_of_qutips_fidelity():
    rho, sigma = werner_state(0.7), werner_state(0.9)
    assert fidelity(rho, sigma) == pytest.approx(qt.fidelity(rho, sigma) ** 2, abs=1e-10)
    # and it is not qutip's value itself: for a pure target qutip returns sqrt(<psi|rho|psi>)
    assert qt.fidelity(rho, qt.ket2dm(PHI_PLUS)) == pytest.approx(np.sqrt(0.7), abs=1e-7)
    assert fidelity(rho, qt.ket2dm(PHI_PLUS)) == pytest.approx(0.7, abs=1e-7)


@given(st.integers(0, 2**31), st.integers(0, 2**31))
def test_fidelity_matches_an_independent_uhlmann_evaluation(seed_a, seed_b):
    rho, sigma = random_density_matrix(seed_a, [2, 2]), random_density_matrix(seed_b, [2, 2])
    f = fidelity(rho, sigma)
    # sqrtm-based evaluation accurate to ~1e-8 for full-rank 4x4 matrices
    assert f == pytest.approx(uhlmann_fidelity_squared(rho.full(), sigma.full()), abs=1e-7)
    assert 0.0 <= f <= 1.0 + 1e-12
    assert f == pytest.approx(fidelity(sigma, rho), abs=1e-7)  # symmetric


def test_fidelity_of_pure_target_is_the_expectation_value_and_ket_inputs_work():
    psi = (qt.basis(4, 0) + 2j * qt.basis(4, 3)).unit()
    psi.dims = [[2, 2], [1, 1]]
    rho = random_density_matrix(7, [2, 2])
    expected = np.real(qt.expect(rho, psi))
    assert fidelity(rho, psi) == pytest.approx(expected, abs=1e-14)
    assert fidelity(PHI_PLUS, bell_state("phi-")) == pytest.approx(0.0, abs=1e-15)
    assert fidelity(psi, PHI_PLUS) == pytest.approx(abs(PHI_PLUS.overlap(psi)) ** 2, abs=1e-14)


@pytest.mark.parametrize(
    "call, match",
    [
        pytest.param(lambda: bell_state("phi"), "name must be one of", id="bell-name"),
        pytest.param(lambda: werner_state(1.2), r"fidelity must be in \[0.0, 1.0\], got 1.2", id="werner-high"),
        pytest.param(lambda: werner_state(-0.1), "fidelity must be in", id="werner-negative"),
        pytest.param(lambda: werner_state(float("nan")), "fidelity must be finite", id="werner-nan"),
        pytest.param(lambda: bell_diagonal_state(0.5, 0.5, 0.5, -0.5), "p_z must be in", id="bd-negative"),
        pytest.param(lambda: bell_diagonal_state(0.5, 0.2, 0.2, 0.2), "must equal 1", id="bd-sum"),
        pytest.param(
            lambda: fidelity(qt.Qobj(np.diag([1.0, 1, 0, 0]), dims=[[2, 2], [2, 2]]), PHI_PLUS),
            "rho must have trace 1",
            id="unnormalised",
        ),
        pytest.param(
            lambda: fidelity(qt.Qobj(np.diag([1.5, -0.5, 0, 0]), dims=[[2, 2], [2, 2]]), PHI_PLUS),
            "rho must be positive semidefinite",
            id="negative-eigenvalue",
        ),
        pytest.param(lambda: fidelity(np.eye(4) / 4, PHI_PLUS), "rho must be a qutip.Qobj", id="ndarray"),
        pytest.param(
            lambda: as_density_matrix("rho", qt.ket2dm(qt.basis(2, 0)), n_qubits=2),
            "rho must be a 2-qubit state",
            id="wrong-qubits",
        ),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_fidelity_with_mismatched_dims_raises_dimension_error():
    with pytest.raises(DimensionError, match="target dims"):
        fidelity(qt.ket2dm(qt.basis(2, 0)), PHI_PLUS)


def test_as_density_matrix_lives_with_the_validators_and_stays_importable_from_states():
    from pqms_physics import validation
    from pqms_physics.core import states

    assert states.as_density_matrix is validation.as_density_matrix
    assert validation.as_density_matrix("rho", PHI_PLUS).isoper
