"""Sources as preparation channels: they reproduce the states of core.states and network.sources, compose
with noise by the Channel rules, and tensor into multi-pair preparations."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.conventions import BELL_NAMES
from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import amplitude_damping, dephasing
from pqms_physics.core.states import bell_state, fidelity, werner_state
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.network.preparation import TRIVIAL_STATE, pair_source, prepare, spdc_source
from pqms_physics.network.sources import spdc_pair_state, spdc_visibility

EXACT = 1e-14  # a preparation's superoperator is the state's entries: only rounding separates them


@pytest.mark.parametrize("name", BELL_NAMES)
def test_pair_source_prepares_each_bell_state(name):
    out = prepare(pair_source(bell_state(name)))
    np.testing.assert_allclose(out.full(), qt.ket2dm(bell_state(name)).full(), atol=EXACT, rtol=0)
    assert out.dims == [[2, 2], [2, 2]]


@given(st.floats(0.0, 1.0))
def test_pair_source_prepares_werner_states(f):
    # independent form: F |Phi+><Phi+| + (1 - F)/3 (I - |Phi+><Phi+|)
    phi = qt.ket2dm(bell_state("phi+")).full()
    expected = f * phi + (1 - f) / 3 * (np.eye(4) - phi)
    np.testing.assert_allclose(prepare(pair_source(werner_state(f))).full(), expected, atol=EXACT, rtol=0)


@given(st.floats(0.0, 2.0), st.floats(0.0, 1.0))
def test_spdc_source_prepares_the_spdc_pair_state_of_visibility_v(lam, eta):
    out = prepare(spdc_source(lam, eta))
    np.testing.assert_allclose(out.full(), spdc_pair_state(lam, eta).full(), atol=EXACT, rtol=0)
    v = spdc_visibility(lam, eta)  # Werner form V Phi+ + (1 - V) I/4: F = (1 + 3V)/4
    assert fidelity(out, bell_state("phi+")) == pytest.approx((1 + 3 * v) / 4, abs=1e-12)


@pytest.mark.parametrize("setup", ["pbs", "polariser"])
def test_spdc_source_passes_the_setup_on(setup):
    out = prepare(spdc_source(0.1, 0.7, setup=setup))
    np.testing.assert_allclose(out.full(), spdc_pair_state(0.1, 0.7, setup=setup).full(), atol=EXACT, rtol=0)


def test_a_preparation_is_a_cptp_map_from_the_trivial_system_with_choi_trace_one():
    src = pair_source(random_density_matrix(3, [2, 2]))
    assert src.in_dims == (1,) and src.out_dims == (2, 2)
    assert src.is_cptp()
    assert src.choi().tr() == pytest.approx(1.0, abs=EXACT)  # Choi trace = input dimension 1
    # its Choi matrix is the state itself, its Kraus operators are kets that rebuild the state
    np.testing.assert_allclose(src.choi().full(), prepare(src).full(), atol=EXACT, rtol=0)
    assert Channel.from_kraus(src.kraus()).allclose(src, atol=1e-12)


def test_a_noisy_link_is_noise_on_a_qubit_after_the_source():
    gamma, t = 0.5, 0.4
    link = dephasing(gamma, t).on(1, n=2) @ pair_source(bell_state("phi+"))
    assert link.in_dims == (1,) and link.out_dims == (2, 2)
    expected = dephasing(gamma, t).on(1, n=2)(bell_state("phi+"))
    np.testing.assert_allclose(prepare(link).full(), expected.full(), atol=EXACT, rtol=0)
    assert fidelity(prepare(link), bell_state("phi+")) == pytest.approx((1 + np.exp(-2 * gamma * t)) / 2, abs=1e-14)


def test_tensoring_preparations_prepares_the_product_state_in_order():
    a, b = random_density_matrix(1, [2, 2]), random_density_matrix(2, [2, 2])
    both = pair_source(a) & pair_source(b)
    assert both.in_dims == (1,) and both.out_dims == (2, 2, 2, 2)  # trivial factors drop out of the register
    np.testing.assert_allclose(prepare(both).full(), qt.tensor(a, b).full(), atol=EXACT, rtol=0)
    # a preparation tensored with a channel on an existing register: the input is that register
    mixed = Channel.identity(1) & pair_source(a)
    assert mixed.in_dims == (2,) and mixed.out_dims == (2, 2, 2)
    ket0 = qt.basis(2, 0)
    np.testing.assert_allclose(mixed(ket0).full(), qt.tensor(qt.ket2dm(ket0), a).full(), atol=EXACT, rtol=0)


def test_noise_on_either_half_of_either_link_acts_where_it_is_placed():
    damp = amplitude_damping(2.0, 1.0)
    links = (damp.on(1, n=2) @ pair_source(bell_state("phi+"))) & pair_source(bell_state("psi-"))
    expected = qt.tensor(damp.on(1, n=2)(bell_state("phi+")), qt.ket2dm(bell_state("psi-")))
    np.testing.assert_allclose(prepare(links).full(), expected.full(), atol=EXACT, rtol=0)
    # the same noise placed on qubit 1 of the 4-qubit register after the two sources
    placed = damp.on(1, n=4) @ (pair_source(bell_state("phi+")) & pair_source(bell_state("psi-")))
    assert placed.allclose(links, atol=EXACT)


def test_the_trivial_state_is_the_one_by_one_identity():
    assert TRIVIAL_STATE.shape == (1, 1) and TRIVIAL_STATE.full()[0, 0] == 1.0


@pytest.mark.parametrize(
    "call, exc, match",
    [
        pytest.param(
            lambda: pair_source(qt.basis(2, 0)), DimensionError, "state must be a 2-qubit state", id="1-qubit"
        ),
        pytest.param(lambda: pair_source(2 * werner_state(0.9)), PQMSValueError, "state must have trace 1", id="trace"),
        pytest.param(lambda: spdc_source(-0.1, 0.5), PQMSValueError, "mean_pairs_per_mode must be >= 0", id="lambda"),
        pytest.param(
            lambda: spdc_source(0.1, 1.5), PQMSValueError, r"detector_efficiency must be in \[0.0, 1.0\]", id="eta"
        ),
        pytest.param(
            lambda: prepare(dephasing(0.1, 1.0)),
            DimensionError,
            r"preparation with input dims \[1\], got \[2\]",
            id="not-a-preparation",
        ),
        pytest.param(
            lambda: prepare(werner_state(0.9)), PQMSValueError, "channel must be a Channel", id="not-a-channel"
        ),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
