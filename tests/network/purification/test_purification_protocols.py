"""DEJMPS and BBPSSW: closed form == compiled circuit == an independent QuTiP circuit; published maps; laws."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from purification_oracle import bell_diagonal, bell_weights_of, phi_plus_fidelity, purify_circuit

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.purification import PurificationResult, bbpssw, dejmps
from pqms_physics.network.purification.general import recurrence_arrays

NOISE = [
    pytest.param(1.0, 1.0, id="perfect"),
    pytest.param(0.97, 1.0, id="gate"),
    pytest.param(1.0, 0.95, id="readout"),
    pytest.param(0.9, 0.93, id="both"),
]


def _weights(seed, n=None):
    return np.random.default_rng(seed).dirichlet(np.ones(4), size=n)


weights_st = (
    st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4)
    .filter(lambda v: sum(v) > 1e-3)
    .map(lambda v: np.asarray(v) / sum(v))
)
prob_st = st.floats(0.0, 1.0)


@pytest.mark.parametrize("p2, eta", NOISE)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bell_diagonal_closed_form_matches_the_qutip_circuit(seed, p2, eta):
    w1, w2 = _weights(seed), _weights(seed + 100)
    r = dejmps(w1, w2, gate_fidelity=p2, measurement_fidelity=eta)
    out, success = purify_circuit(bell_diagonal(w1), bell_diagonal(w2), p2, eta)
    assert r.success_probability == pytest.approx(success, abs=1e-12)
    np.testing.assert_allclose(r.weights, bell_weights_of(out), atol=1e-12)
    # the circuit's output is Bell-diagonal: nothing outside the Bell diagonal
    assert np.trace(out.full()).real == pytest.approx(bell_weights_of(out).sum(), abs=1e-12)


@pytest.mark.parametrize("p2, eta", NOISE)
@pytest.mark.parametrize("seed", [4, 5])
def test_general_path_matches_the_qutip_circuit_on_arbitrary_states(seed, p2, eta):
    r1, r2 = qt.rand_dm([2, 2], seed=seed), qt.rand_dm([2, 2], seed=seed + 50)
    r = dejmps(r1, r2, gate_fidelity=p2, measurement_fidelity=eta)
    out, success = purify_circuit(r1, r2, p2, eta)
    assert r.success_probability == pytest.approx(success, abs=1e-12)
    np.testing.assert_allclose(r.state.full(), out.full(), atol=1e-12)
    assert r.fidelity == pytest.approx(phi_plus_fidelity(out), abs=1e-12)


@pytest.mark.parametrize("p2, eta", NOISE)
def test_general_path_equals_bell_diagonal_path_on_bell_diagonal_inputs(p2, eta):
    w1, w2 = _weights(7, 20), _weights(8, 20)
    fast = dejmps(w1, w2, gate_fidelity=p2, measurement_fidelity=eta)
    for k in range(20):
        slow = dejmps(bell_diagonal(w1[k]), bell_diagonal(w2[k]), gate_fidelity=p2, measurement_fidelity=eta)
        np.testing.assert_allclose(bell_weights_of(slow.state), fast.weights[k], atol=1e-12)
        assert slow.success_probability == pytest.approx(fast.success_probability[k], abs=1e-12)


def test_batched_general_path_equals_one_at_a_time():
    rhos = [qt.rand_dm([2, 2], seed=s).full() for s in range(6)]
    batch = recurrence_arrays(np.array(rhos[:3]), np.array(rhos[3:]), 0.95, 0.97)
    for k in range(3):
        np.testing.assert_allclose(batch[k], recurrence_arrays(rhos[k], rhos[3 + k], 0.95, 0.97), atol=1e-14)


@pytest.mark.parametrize("p2, eta", NOISE)
def test_bbpssw_matches_the_circuit_without_rotation_on_werner_states(p2, eta):
    f1, f2 = 0.83, 0.71
    r = bbpssw(f1, f2, gate_fidelity=p2, measurement_fidelity=eta)
    werner = [bell_diagonal([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3]) for f in (f1, f2)]
    out, success = purify_circuit(*werner, p2, eta, rotate=False)
    assert r.fidelity == pytest.approx(phi_plus_fidelity(out), abs=1e-12)
    assert r.success_probability == pytest.approx(success, abs=1e-12)
    q = qt.rand_dm([2, 2], seed=3)  # a Qobj input is twirled first: same as its fidelity
    assert bbpssw(q, gate_fidelity=p2, measurement_fidelity=eta).fidelity == pytest.approx(
        bbpssw(phi_plus_fidelity(q), gate_fidelity=p2, measurement_fidelity=eta).fidelity, abs=1e-12
    )


@pytest.mark.parametrize("f", [0.5, 0.6, 0.75, 0.9, 0.99, 1.0])
def test_bbpssw_is_the_published_werner_recurrence(f):
    # Bennett et al., PRL 76, 722 (1996), Eq. for F': (F^2 + ((1-F)/3)^2) / (F^2 + 2F(1-F)/3 + 5((1-F)/3)^2)
    q = (1 - f) / 3
    n = f**2 + 2 * f * (1 - f) / 3 + 5 * q**2
    r = bbpssw(f)
    assert r.fidelity == pytest.approx((f**2 + q**2) / n, abs=1e-14)
    assert r.success_probability == pytest.approx(n, abs=1e-14)


@given(weights_st, weights_st)
def test_dejmps_perfect_is_the_published_deutsch_map(w1, w2):
    # Deutsch et al., PRL 77, 2818 (1996), with A, B, C, D = phi+, psi-, psi+, phi- (identical copies in the
    # paper; the two-input form A1 A2 + B1 B2 etc. is the same bookkeeping)
    a1, c1, b1, d1 = w1
    a2, c2, b2, d2 = w2
    n = (a1 + b1) * (a2 + b2) + (c1 + d1) * (c2 + d2)
    if n < 1e-9:
        return
    r = dejmps(w1, w2)
    expected = np.array([a1 * a2 + b1 * b2, c1 * c2 + d1 * d2, c1 * d2 + d1 * c2, a1 * b2 + b1 * a2]) / n
    np.testing.assert_allclose(r.weights, expected, atol=1e-12)
    assert r.success_probability == pytest.approx(n, abs=1e-14)


@given(weights_st, weights_st, prob_st, prob_st)
def test_outputs_are_probability_vectors_and_success_is_in_0_1(w1, w2, p2, eta):
    if p2 == 1.0 and (w1[0] + w1[3]) * (w2[0] + w2[3]) + (w1[1] + w1[2]) * (w2[1] + w2[2]) < 1e-9:
        return  # perfect gates and never-agreeing parities: success 0 (tested separately)
    r = dejmps(w1, w2, gate_fidelity=p2, measurement_fidelity=eta)
    assert np.all(r.weights >= -1e-15)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert 0.0 < r.success_probability <= 1.0 + 1e-12


@given(st.floats(0.5, 1.0))
def test_perfect_operations_never_decrease_werner_fidelity_above_one_half(f):
    werner = [f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3]
    assert dejmps(werner).fidelity >= f - 1e-15
    assert bbpssw(f).fidelity >= f - 1e-15


def test_vectorised_call_equals_single_calls_and_w2_defaults_to_a_copy():
    w = _weights(11, 5)
    batch = dejmps(w, gate_fidelity=0.98, measurement_fidelity=0.99)
    for k in range(5):
        one = dejmps(w[k], w[k], gate_fidelity=0.98, measurement_fidelity=0.99)
        np.testing.assert_allclose(batch.weights[k], one.weights, atol=0)
        assert batch.fidelity[k] == one.fidelity


def test_result_is_frozen_and_serialises():
    import dataclasses
    import json

    r = dejmps([0.9, 0.05, 0.03, 0.02])
    assert isinstance(r, PurificationResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.fidelity = 0.0
    doc = json.loads(json.dumps(r.to_dict()))
    assert doc["protocol"] == "dejmps" and doc["fidelity"] == pytest.approx(r.fidelity)
    doc = json.loads(json.dumps(dejmps(qt.rand_dm([2, 2], seed=1)).to_dict()))
    assert len(doc["state"]["re"]) == 4


@pytest.mark.parametrize(
    "call, match",
    [
        pytest.param(lambda: dejmps([0.5, 0.6, -0.1, 0.0]), r"w1 must have entries >= 0, got -0.1", id="negative"),
        pytest.param(lambda: dejmps([0.5, 0.2, 0.2, 0.2]), r"w1 must sum to 1", id="sum"),
        pytest.param(
            lambda: dejmps([0.9, 0.1, 0.0, 0.0], [0.5, 0.5]), r"w2 must be Bell weights .* shape \(2,\)", id="shape"
        ),
        pytest.param(lambda: dejmps(qt.rand_dm(2)), r"w1 must be a 2-qubit state", id="one-qubit"),
        pytest.param(
            lambda: dejmps(qt.Qobj(np.diag([1.0, 0, 0, 1.0]), dims=[[2, 2], [2, 2]])),
            r"w1 must have trace 1",
            id="trace",
        ),
        pytest.param(
            lambda: dejmps([1, 0, 0, 0], gate_fidelity=1.5), r"gate_fidelity must be in \[0.0, 1.0\], got 1.5", id="p2"
        ),
        pytest.param(
            lambda: dejmps([1, 0, 0, 0], measurement_fidelity=-0.1), r"measurement_fidelity must be in", id="eta"
        ),
        pytest.param(lambda: dejmps([1, 0, 0, 0], [0, 1, 0, 0]), r"success probability 0", id="never-kept"),
        pytest.param(lambda: bbpssw(1.2), r"f1 must be in \[0.0, 1.0\], got 1.2", id="bbpssw-f"),
        pytest.param(lambda: bbpssw(0.9, qt.rand_dm(3)), r"f2 must be a 2-qubit state", id="bbpssw-qobj"),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, match):
    with pytest.raises(PQMSValueError, match=match):
        call()


def test_mixed_inputs_weights_and_qobj_give_the_circuit_result():
    w = [0.8, 0.1, 0.06, 0.04]
    rho = qt.rand_dm([2, 2], seed=9)
    r = dejmps(w, rho, gate_fidelity=0.96, measurement_fidelity=0.97)
    out, success = purify_circuit(bell_diagonal(w), rho, 0.96, 0.97)
    np.testing.assert_allclose(r.state.full(), out.full(), atol=1e-12)
    assert r.success_probability == pytest.approx(success, abs=1e-12)
    with pytest.raises(PQMSValueError, match="w1 must be a single weight vector"):
        dejmps(np.tile(w, (2, 1)), rho)
