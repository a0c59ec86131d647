"""Entanglement swapping: Duer closed forms, Bell-diagonal fast path and general path versus an
explicit four-qubit circuit simulation (tests/chains_helpers.py)."""

import numpy as np
import pytest
import qutip as qt
from chains_helpers import explicit_swap
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix, random_kraus

from pqms_physics.core import bell_algebra as ba
from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import amplitude_damping, dephasing, pauli_channel
from pqms_physics.core.states import (
    bell_diagonal_from_weights,
    bell_state,
    bell_weights,
    fidelity,
    pauli,
    werner_parameter,
    werner_state,
)
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.network.swapping import swap, swap_arrays

PHI = bell_state("phi+")
RHO_PHI = qt.ket2dm(PHI)
# Both sides are exact linear algebra on 4x4 / 16x16 matrices: agreement is limited by rounding (~1e-15).
EXACT = 1e-12

probabilities = st.floats(0.0, 1.0)
seeds = st.integers(0, 2**32 - 1)


def random_weights(seed):
    return np.random.default_rng(seed).dirichlet(np.ones(4))


# ---------------------------------------------------------------- Bell / Pauli bookkeeping
def test_pauli_indices_compose_by_xor_up_to_a_phase():
    paulis = [pauli(n).full() for n in "ixyz"]
    for a in range(4):
        for b in range(4):
            product, expected = paulis[a] @ paulis[b], paulis[a ^ b]
            phase = np.trace(expected.conj().T @ product) / 2
            assert abs(abs(phase) - 1) < 1e-15
            np.testing.assert_allclose(product, phase * expected, atol=1e-15)


def test_walsh_hadamard_turns_xor_convolution_into_a_product():
    w1, w2 = random_weights(1), random_weights(2)
    direct = np.array([sum(w1[a] * w2[b] for a in range(4) for b in range(4) if a ^ b == k) for k in range(4)])
    np.testing.assert_allclose(ba.xor_convolve(w1, w2), direct, atol=1e-16)
    np.testing.assert_allclose(ba.HADAMARD4 @ ba.HADAMARD4, 4 * np.eye(4), atol=0)


def test_werner_parameter_is_the_mean_nontrivial_character():
    for f in (0.3, 0.8, 0.97):
        chars = ba.characters(ba.werner_weights(f))
        np.testing.assert_allclose(chars[1:], werner_parameter(f), atol=1e-15)


# ---------------------------------------------------------------- ideal swapping
def test_ideal_swap_of_phi_plus_pairs_returns_phi_plus():
    assert (swap(PHI, PHI) - RHO_PHI).norm() < EXACT
    assert (explicit_swap(RHO_PHI, RHO_PHI) - RHO_PHI).norm() < EXACT


@given(seeds)
def test_ideal_swap_with_a_perfect_right_pair_teleports_the_left_pair_unchanged(seed):
    # swap(rho, Phi+) teleports B onto D, and D is the corrected qubit: the pair is unchanged.
    rho = random_density_matrix(seed, [2, 2])
    assert (swap(rho, RHO_PHI) - rho).norm() < EXACT


@given(seeds)
def test_ideal_swap_with_a_perfect_left_pair_keeps_only_the_bell_diagonal_part(seed):
    # swap(Phi+, rho) teleports C onto A with the error sigma_k left on A, while the correction
    # sigma_k hits D: the net map is the average of (s_k x s_k) rho (s_k x s_k), which removes every
    # coherence between Bell states (they are joint eigenstates with distinct signs) and keeps the weights.
    rho = random_density_matrix(seed, [2, 2])
    expected = bell_diagonal_from_weights(bell_weights(rho))
    assert (swap(RHO_PHI, rho) - expected).norm() < EXACT


@pytest.mark.parametrize("f1, f2", [(0.9, 0.9), (0.6, 0.95), (0.25, 0.8), (1.0, 0.7)])
def test_swap_of_werner_links_multiplies_werner_parameters(f1, f2):
    out = swap(werner_state(f1), werner_state(f2))
    w = werner_parameter(f1) * werner_parameter(f2)
    expected = werner_state((3 * w + 1) / 4)
    assert (out - expected).norm() < EXACT
    assert (explicit_swap(werner_state(f1), werner_state(f2)) - expected).norm() < EXACT


# ---------------------------------------------------------------- the Duer noise model
@pytest.mark.parametrize(
    "f1, f2, p, eta", [(0.9, 0.95, 0.98, 0.99), (0.8, 0.8, 0.9, 0.9), (0.99, 0.7, 1.0, 0.75), (0.95, 0.95, 0.5, 1.0)]
)
def test_noisy_swap_of_werner_links_matches_the_duer_closed_form_and_the_circuit(f1, f2, p, eta):
    out = swap(werner_state(f1), werner_state(f2), gate_fidelity=p, measurement_fidelity=eta)
    w_prime = p * werner_parameter(f1) * werner_parameter(f2) * (4 * eta**2 - 1) / 3  # Duer et al. (1999)
    assert fidelity(out, PHI) == pytest.approx(0.25 + 0.75 * w_prime, abs=EXACT)
    assert (out - explicit_swap(werner_state(f1), werner_state(f2), p, eta)).norm() < EXACT


def test_misread_parity_bit_is_an_x_error_and_misread_phase_bit_a_z_error():
    # Ideal pairs, noisy readout: the output weights are the bit-error pattern of the two readout bits.
    eta = 0.8
    out = bell_weights(swap(PHI, PHI, measurement_fidelity=eta))
    expected = [eta**2, eta * (1 - eta), (1 - eta) ** 2, eta * (1 - eta)]  # I, X (parity), Y (both), Z (phase)
    np.testing.assert_allclose(out, expected, atol=EXACT)
    np.testing.assert_allclose(bell_weights(explicit_swap(RHO_PHI, RHO_PHI, 1.0, eta)), expected, atol=EXACT)


def test_noisy_readout_leaves_werner_inputs_non_werner():
    out = bell_weights(swap(werner_state(0.9), werner_state(0.9), measurement_fidelity=0.9))
    assert out[1] == pytest.approx(out[3], abs=EXACT)  # X and Z errors equally likely
    assert out[2] < out[1] - 1e-3  # Y (both bits wrong) rarer


@given(seeds, seeds)
def test_failed_gate_leaves_a_reduced_state_times_maximally_mixed_qubit(s1, s2):
    rho_ab, rho_cd = random_density_matrix(s1, [2, 2]), random_density_matrix(s2, [2, 2])
    out = swap(rho_ab, rho_cd, gate_fidelity=0.0)
    assert (out - qt.tensor(rho_ab.ptrace(0), qt.qeye(2) / 2)).norm() < EXACT


# ---------------------------------------------------------------- general inputs vs the circuit
@given(seeds, seeds, seeds, probabilities, probabilities, st.integers(1, 4))
def test_swap_of_general_states_matches_the_explicit_circuit_simulation(s1, s2, s3, p, eta, n_kraus):
    rho_ab, rho_cd = random_density_matrix(s1, [2, 2]), random_density_matrix(s2, [2, 2])
    memory = Channel.from_kraus(random_kraus(s3, 2, n_kraus))
    out = swap(rho_ab, rho_cd, p, eta, memory=memory)
    assert (out - explicit_swap(rho_ab, rho_cd, p, eta, memory.superop)).norm() < EXACT
    assert out.tr() == pytest.approx(1.0, abs=EXACT)
    assert np.linalg.eigvalsh(out.full()).min() > -EXACT


def test_memory_acts_before_the_correction():
    # Amplitude damping does not commute with the X/Y corrections: applying it after the correction
    # instead gives a different state, so the order the docstring states is the one implemented.
    memory = amplitude_damping(1.0, 0.5)
    rho_ab, rho_cd = random_density_matrix(7, [2, 2]), random_density_matrix(8, [2, 2])
    out = swap(rho_ab, rho_cd, memory=memory)
    after = (memory & memory)(swap(rho_ab, rho_cd))
    assert (out - explicit_swap(rho_ab, rho_cd, 1.0, 1.0, memory.superop)).norm() < EXACT
    assert (out - after).norm() > 1e-3


@given(seeds, seeds, probabilities, probabilities, st.floats(0.0, 0.3), st.floats(0.0, 0.3))
def test_bell_diagonal_fast_path_equals_general_path_and_circuit(s1, s2, p, eta, mx, mz):
    w1, w2 = random_weights(s1), random_weights(s2)
    a, c = bell_diagonal_from_weights(w1), bell_diagonal_from_weights(w2)
    memory = pauli_channel(mx, 0.0, mz)
    fast = swap(a, c, p, eta, memory=memory)  # takes the Bell-diagonal path
    general = swap_arrays(a.full(), c.full(), p, eta, memory.superop_matrix)
    np.testing.assert_allclose(fast.full(), general, atol=EXACT)
    assert (fast - explicit_swap(a, c, p, eta, memory.superop)).norm() < EXACT


def test_swap_is_linear_in_each_input():
    a1, a2, c = (random_density_matrix(s, [2, 2]) for s in (21, 22, 23))
    mix = swap(0.3 * a1 + 0.7 * a2, c, 0.9, 0.95, memory=dephasing(0.1, 1.0))
    parts = 0.3 * swap(a1, c, 0.9, 0.95, memory=dephasing(0.1, 1.0)) + 0.7 * swap(
        a2, c, 0.9, 0.95, memory=dephasing(0.1, 1.0)
    )
    assert (mix - parts).norm() < EXACT


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"gate_fidelity": 1.5}, r"gate_fidelity must be in \[0.0, 1.0\], got 1.5"),
        ({"measurement_fidelity": -0.1}, r"measurement_fidelity must be in \[0.0, 1.0\], got -0.1"),
        ({"memory": "dephasing"}, r"memory must be a one-qubit Channel or None, got str"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        swap(PHI, PHI, **kwargs)


def test_non_two_qubit_states_and_memories_are_rejected():
    with pytest.raises(DimensionError, match=r"rho_ab must be a 2-qubit state"):
        swap(qt.ket2dm(qt.basis(2, 0)), PHI)
    with pytest.raises(DimensionError, match=r"rho_cd must be a 2-qubit state"):
        swap(PHI, random_density_matrix(1, [2, 2, 2]))
    with pytest.raises(DimensionError, match=r"memory must be a one-qubit Channel"):
        swap(PHI, PHI, memory=dephasing(0.1, 1.0).on(0, 2))
    with pytest.raises(ValueError, match=r"rho_ab must have trace 1"):
        swap(2 * RHO_PHI, PHI)
