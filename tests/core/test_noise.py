"""Noise factories in their own module: Kraus / Pauli forms written out independently, the one Pauli definition,
and the compatibility re-export from core.channels."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.core import channels, noise
from pqms_physics.core.states import PAULI_MATRICES, pauli

rates, times = st.floats(0.0, 5.0), st.floats(0.0, 3.0)
EXACT = 1e-13
X, Y, Z = qt.sigmax().full(), qt.sigmay().full(), qt.sigmaz().full()


def test_the_pauli_matrices_are_defined_once_and_agree_with_qutip():
    np.testing.assert_array_equal(PAULI_MATRICES, [np.eye(2), X, Y, Z])
    assert not PAULI_MATRICES.flags.writeable
    for k, name in enumerate("ixyz"):
        np.testing.assert_array_equal(pauli(name).full(), PAULI_MATRICES[k])


@pytest.mark.parametrize(
    "name", ["dephasing", "amplitude_damping", "depolarizing", "pauli_channel", "lindblad_channel"]
)
def test_factories_stay_importable_from_core_channels_for_one_release(name):
    assert getattr(channels, name) is getattr(noise, name)
    assert name in channels.__all__ and name in noise.__all__


def test_unknown_attributes_of_core_channels_still_raise():
    with pytest.raises(AttributeError, match="has no attribute 'nonexistent'"):
        channels.nonexistent  # noqa: B018


@given(rates, times, st.integers(0, 2**32 - 1))
def test_dephasing_is_the_phase_flip_mixture(gamma, t, seed):
    rho = random_density_matrix(seed, [2]).full()
    p = (1 - np.exp(-2 * gamma * t)) / 2
    out = noise.dephasing(gamma, t)(qt.Qobj(rho)).full()
    np.testing.assert_allclose(out, (1 - p) * rho + p * Z @ rho @ Z, atol=EXACT)


@given(rates, times, st.integers(0, 2**32 - 1))
def test_amplitude_damping_moves_excited_population_and_shrinks_coherence(gamma, t, seed):
    rho = random_density_matrix(seed, [2]).full()
    out = noise.amplitude_damping(gamma, t)(qt.Qobj(rho)).full()
    decay = np.exp(-gamma * t)
    expected = np.array(
        [
            [rho[0, 0] + (1 - decay) * rho[1, 1], np.sqrt(decay) * rho[0, 1]],
            [np.sqrt(decay) * rho[1, 0], decay * rho[1, 1]],
        ]
    )
    np.testing.assert_allclose(out, expected, atol=EXACT)


@given(st.floats(0.0, 0.4), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.integers(0, 2**32 - 1))
def test_pauli_channel_is_the_weighted_sum_of_pauli_conjugations(px, py, pz, seed):
    rho = random_density_matrix(seed, [2]).full()
    out = noise.pauli_channel(px, py, pz)(qt.Qobj(rho)).full()
    expected = (1 - px - py - pz) * rho + px * X @ rho @ X + py * Y @ rho @ Y + pz * Z @ rho @ Z
    np.testing.assert_allclose(out, expected, atol=EXACT)


def test_every_factory_is_a_one_qubit_cptp_channel():
    for ch in (
        noise.dephasing(0.3, 1.0),
        noise.amplitude_damping(0.3, 1.0),
        noise.depolarizing(0.2),
        noise.pauli_channel(0.1, 0.2, 0.3),
        noise.lindblad_channel(None, [qt.sigmaz()], 0.5),
    ):
        assert ch.in_dims == ch.out_dims == (2,)
        assert ch.is_cptp()
