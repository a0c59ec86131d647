"""signalling_distance: the exact no-communication audit (and that it can fail)."""

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from nct_helpers import cnot_channel, receiver_damping, receiver_reset, sender_local_channels
from randomobjects import random_density_matrix, random_kraus

from pqms_physics.core.channels import Channel
from pqms_physics.core.states import bell_state, werner_state
from pqms_physics.errors import DimensionError
from pqms_physics.nct import signalling_distance, trace_distance

# Local operations change the receiver's reduced state only by floating-point roundoff: a few 1e-16 for
# 4x4 superoperators applied to unit-trace states, so 1e-12 leaves a margin of ~1e3.
LOCAL_ATOL = 1e-12


def _numpy_receiver_state(rho: np.ndarray) -> np.ndarray:
    """Partial trace over qubit 0 of a two-qubit density matrix, written independently of QuTiP."""
    return np.einsum("ajak->jk", rho.reshape(2, 2, 2, 2))


@pytest.mark.parametrize("name", list(sender_local_channels()))
@pytest.mark.parametrize(
    "state",
    [
        pytest.param(bell_state("phi+"), id="phi+"),
        pytest.param(werner_state(0.8), id="werner0.8"),
        pytest.param(random_density_matrix(11, [2, 2]), id="random"),
    ],
)
def test_sender_local_channel_leaves_receiver_state_unchanged(name, state):
    ch = sender_local_channels()[name].on(0, 2)
    assert signalling_distance(state, [ch], receiver=1) < LOCAL_ATOL


@given(kraus_seed=st.integers(0, 2**32 - 1), state_seed=st.integers(0, 2**32 - 1), n_ops=st.integers(1, 4))
def test_random_cptp_map_on_sender_never_signals(kraus_seed, state_seed, n_ops):
    sender = Channel.from_kraus(random_kraus(kraus_seed, dim=2, n_ops=n_ops))
    rho = random_density_matrix(state_seed, [2, 2])
    assert signalling_distance(rho, [sender.on(0, 2), sender.on(0, 2) @ sender.on(0, 2)], receiver=1) < LOCAL_ATOL


@given(kraus_seed=st.integers(0, 2**32 - 1), state_seed=st.integers(0, 2**32 - 1))
def test_random_two_qubit_sender_map_never_signals_to_third_qubit(kraus_seed, state_seed):
    # the sender holds qubits 0 and 1 and applies an arbitrary (entangling) CPTP map to both
    ops = [qt.Qobj(k, dims=[[2, 2], [2, 2]]) for k in random_kraus(kraus_seed, dim=4, n_ops=3)]
    sender = Channel.from_kraus(ops) & Channel.identity(1)
    rho = random_density_matrix(state_seed, [2, 2, 2])
    assert signalling_distance(rho, sender, receiver=[2]) < LOCAL_ATOL


def test_cnot_between_halves_signals_half_on_plus_zero_input():
    # CNOT(|+>|0>) = Phi+: the receiver's state goes from |0><0| to I/2, trace distance exactly 1/2
    plus_zero = qt.tensor((qt.basis(2, 0) + qt.basis(2, 1)).unit(), qt.basis(2, 0))
    d = signalling_distance(plus_zero, [cnot_channel()], receiver=1)
    assert d > 0.1
    assert d == pytest.approx(0.5, abs=1e-14)


@pytest.mark.parametrize("lam", [1e-3, 0.1, 0.5, 1.0])
def test_receiver_damping_signals_by_half_the_decay_probability(lam):
    # Phi+ -> receiver diag(1/2 + lam/2, 1/2 - lam/2) versus I/2: D = lam/2
    d = signalling_distance(bell_state("phi+"), [receiver_damping(lam)], receiver=1)
    assert d == pytest.approx(lam / 2, abs=1e-14)


def test_distance_is_the_largest_over_all_pairs_including_doing_nothing():
    # reset to |0> and reset to |1> with prob 0.2 each: +-0.1 shifts of P(b=1) -> D(each, id) = 0.1, D(0, 1) = 0.2
    chans = [receiver_reset(0.2, to=0), receiver_reset(0.2, to=1)]
    phi = bell_state("phi+")
    assert signalling_distance(phi, chans[:1], receiver=1) == pytest.approx(0.1, abs=1e-14)
    assert signalling_distance(phi, chans, receiver=1) == pytest.approx(0.2, abs=1e-14)


def test_distance_matches_independent_numpy_partial_trace_for_random_nonlocal_unitary():
    rng = np.random.default_rng(2024)
    q, r = np.linalg.qr(rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)))
    u = q * (np.diag(r) / np.abs(np.diag(r)))
    rho = random_density_matrix(5, [2, 2])
    after = u @ rho.full() @ u.conj().T
    expected = 0.5 * np.abs(np.linalg.eigvalsh(_numpy_receiver_state(after) - _numpy_receiver_state(rho.full()))).sum()
    ch = Channel.from_unitary(qt.Qobj(u, dims=[[2, 2], [2, 2]]))
    assert expected > 1e-3  # a generic entangling unitary does change the receiver's state
    assert signalling_distance(rho, [ch], receiver=1) == pytest.approx(expected, abs=1e-12)


def test_trace_distance_of_orthogonal_pure_states_is_one():
    assert trace_distance(np.diag([1.0, 0.0]), np.diag([0.0, 1.0])) == pytest.approx(1.0, abs=1e-15)
    assert math.isclose(trace_distance(np.eye(2) / 2, np.eye(2) / 2), 0.0, abs_tol=0.0)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        pytest.param(dict(rho=np.eye(4) / 4), ValueError, "rho must be a qutip.Qobj", id="rho-array"),
        pytest.param(dict(channels=[]), ValueError, "channels must contain at least one", id="no-channels"),
        pytest.param(dict(channels=["dephasing"]), ValueError, r"channels\[0\] must be a Channel", id="not-channel"),
        pytest.param(
            dict(channels=[Channel.identity(1)]),
            DimensionError,
            r"channels\[0\] must act on the whole",
            id="one-qubit-channel",
        ),
        pytest.param(
            dict(receiver=2),
            ValueError,
            r"receiver must contain subsystem indices in \[0, 1\], got 2",
            id="receiver-range",
        ),
        pytest.param(dict(receiver=[1, 1]), ValueError, "receiver must not repeat", id="receiver-repeat"),
        pytest.param(dict(receiver=[]), ValueError, "receiver must name at least one", id="receiver-empty"),
        pytest.param(dict(receiver=1.0), ValueError, "receiver must be a subsystem index", id="receiver-float"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, exc, match):
    args = dict(rho=bell_state("phi+"), channels=[Channel.identity(2)], receiver=1) | kwargs
    with pytest.raises(exc, match=match):
        signalling_distance(**args)
