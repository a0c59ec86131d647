"""CHSH measurements as quantum-to-classical channels: QuTiP projector oracles, correlators, the outcome table,
and a composed pipeline (source, dephasing, swap, measurement) sampled by the kernels."""

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.chsh.estimate import CHSHEstimate
from pqms_physics.chsh.exact import STANDARD_ANGLES, chsh_value, correlator, optimal_settings, outcome_table
from pqms_physics.chsh.measurement import (
    chsh_measurement_channel,
    measurement_channel,
    register_table,
    settings_measurement_channel,
)
from pqms_physics.core.noise import dephasing
from pqms_physics.core.states import bell_state
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.network.preparation import prepare, spdc_source
from pqms_physics.network.swap_channel import swap_channel
from pqms_physics.network.swapping import swap

angles = st.floats(-math.pi, math.pi)
seeds = st.integers(0, 2**32 - 1)
EXACT = 1e-13  # 16x16 linear algebra against QuTiP's expect: rounding only


def qutip_projector(theta: float, bit: int) -> qt.Qobj:
    """(I + (-1)^bit n.sigma)/2 for n = (sin theta, 0, cos theta), from QuTiP's Pauli operators."""
    n_sigma = math.sin(theta) * qt.sigmax() + math.cos(theta) * qt.sigmaz()
    return (qt.qeye(2) + (-1) ** bit * n_sigma) / 2


@given(seeds, angles, angles)
def test_measurement_channel_gives_the_born_rule_probabilities_in_outcome_order(seed, a, b):
    rho = random_density_matrix(seed, [2, 2])
    out = measurement_channel((a, b))(rho).full()
    expected = [qt.expect(qt.tensor(qutip_projector(a, x), qutip_projector(b, y)), rho) for x in (0, 1) for y in (0, 1)]
    np.testing.assert_allclose(np.diag(out).real, expected, atol=EXACT, rtol=0)
    np.testing.assert_allclose(out - np.diag(np.diag(out)), 0, atol=EXACT)  # a classical register: diagonal
    # the correlator is the signed sum of the register
    p = np.diag(out).real
    assert p[0] - p[1] - p[2] + p[3] == pytest.approx(correlator(rho, a, b), abs=EXACT)


def test_measurement_channels_are_cptp_quantum_to_classical_maps():
    ch = measurement_channel((0.3, -1.1))
    assert ch.in_dims == (2, 2) and ch.out_dims == (4,)
    assert ch.is_cptp() and ch.choi().tr() == pytest.approx(4.0, abs=1e-12)
    multi = chsh_measurement_channel(STANDARD_ANGLES)
    assert multi.in_dims == (2, 2) and multi.out_dims == (4, 4)
    assert multi.is_cptp() and multi.choi().tr() == pytest.approx(4.0, abs=1e-12)


def test_bloch_vector_directions_outside_the_xz_plane_measure_y():
    # Phi+ has <Y Y> = -1: outcomes always differ
    y = (0.0, 1.0, 0.0)
    p = np.diag(measurement_channel((y, y))(bell_state("phi+")).full()).real
    np.testing.assert_allclose(p, [0.0, 0.5, 0.5, 0.0], atol=EXACT)


@given(seeds, angles, angles, angles, angles)
def test_chsh_register_is_the_outcome_table_and_the_setting_is_uniform(seed, a0, a1, b0, b1):
    rho = random_density_matrix(seed, [2, 2])
    register = chsh_measurement_channel((a0, a1, b0, b1))(rho)
    table = register_table(register)
    np.testing.assert_array_equal(table, outcome_table(rho, (a0, a1, b0, b1)))
    # each (setting, outcome) cell is p(o | s) / 4, and p(o | s) is the one-setting channel's register
    joint = np.diag(register.full()).real.reshape(4, 4)
    np.testing.assert_allclose(joint.sum(axis=1), 0.25, atol=EXACT)
    pairs = [(a0, b0), (a0, b1), (a1, b0), (a1, b1)]
    for s, pair in enumerate(pairs):
        single = np.diag(measurement_channel(pair)(rho).full()).real
        np.testing.assert_allclose(table[s], single, atol=EXACT)
    np.testing.assert_allclose(register_table(settings_measurement_channel(pairs)(rho)), table, atol=EXACT)


def test_one_setting_register_reads_as_a_one_row_table():
    table = register_table(measurement_channel((0.0, 0.0))(bell_state("phi+")))
    assert table.shape == (1, 4)
    np.testing.assert_array_equal(table, [[0.5, 0.0, 0.0, 0.5]])  # exact zeros survive, rows sum to 1


def test_composed_pipeline_sampled_by_the_kernel_estimates_chsh_within_its_confidence_interval():
    # source -> dephasing in each link's memory -> swap -> CHSH measurement -> sample_counts -> estimate
    link = dephasing(gamma_per_s=0.2, t_s=0.5).on(1, n=2) @ spdc_source(0.02, 0.9)
    pair = swap_channel(gate_fidelity=0.99, measurement_fidelity=0.995) @ (link & link)
    state = prepare(pair)
    # independent check of the quantum part against the functional front door
    link_state = prepare(link)
    np.testing.assert_allclose(state.full(), swap(link_state, link_state, 0.99, 0.995).full(), atol=1e-12, rtol=0)
    settings = optimal_settings(state)
    exact = chsh_value(state, settings=settings)
    assert exact == pytest.approx(chsh_value(state), abs=1e-12) and exact > 2.0
    table = register_table(prepare(chsh_measurement_channel(settings) @ pair))
    estimates = []
    for seed in range(10):
        res = sample_counts(table, 200_000, seed=seed, device="numpy")
        est = CHSHEstimate.from_counts(res.counts, settings=settings, exact_value=exact)
        low, high = est.ci(0.999)  # a 99.9% interval misses with probability 1e-3 per seed
        assert low <= exact <= high
        estimates.append(est.value)
    # the mean of 10 independent estimates: sigma / sqrt(10) with sigma ~ est.stderr; 5 sigma margin
    assert abs(np.mean(estimates) - exact) < 5 * est.stderr / math.sqrt(10)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        pytest.param(lambda: measurement_channel((0.0,)), PQMSValueError, r"angles must be a pair \(a, b\)", id="one"),
        pytest.param(
            lambda: measurement_channel((0.0, (1.0, 1.0, 0.0))),
            PQMSValueError,
            r"angles\[1\] \(b\) must be a unit Bloch vector",
            id="norm",
        ),
        pytest.param(lambda: settings_measurement_channel([]), PQMSValueError, "pairs must be a non-empty", id="empty"),
        pytest.param(
            lambda: chsh_measurement_channel((0.0, 1.0)),
            PQMSValueError,
            "settings must hold 4 directions",
            id="chsh-len",
        ),
        pytest.param(
            lambda: measurement_channel((0.0, 0.0))(qt.basis(2, 0)),
            DimensionError,
            r"rho has dims \[2\], the channel expects \[2, 2\]",
            id="apply-dims",
        ),
        pytest.param(
            lambda: register_table(random_density_matrix(1, [2, 2, 2])),
            DimensionError,
            r"register must have dims \[K\] or \[S, K\]",
            id="register-dims",
        ),
        pytest.param(
            lambda: register_table(np.eye(4) / 4),
            PQMSValueError,
            "register must be a density-matrix Qobj",
            id="register-type",
        ),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
