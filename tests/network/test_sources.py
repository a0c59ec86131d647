"""SPDC source: closed-form coincidences, visibility and heralding versus a truncated Fock-space
simulation of two two-mode squeezed vacua with threshold detectors behind polarisers."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.sources import (SPDCSource, spdc_coincidence_probability, spdc_heralding_probability,
                                  spdc_pair_state, spdc_visibility)
from pqms_physics.core.states import bell_state, fidelity, werner_state

PHI = bell_state("phi+")


# ---------------------------------------------------------------- an independent Fock-space model
# One side (Alice or Bob) holds two modes H, V; its Fock basis |nH, nV> is indexed nH * (n_max + 1) + nV.
# Only n1 + n2 <= n_max is kept, so each side has at most n_max photons and every operator that
# conserves a side's photon number (polariser rotations, number operators) is exact within the cutoff.
def two_tmsv_state(lam: float, n_max: int):
    """Nonzero amplitudes of TMSV(a_H, b_V) x TMSV(a_V, b_H), the second with sign (-1)^n:
    (alice indices, bob indices, amplitudes) of |n1, n2>_A |n2, n1>_B."""
    d = n_max + 1
    c = np.sqrt(lam / (1 + lam)) ** np.arange(d) / np.sqrt(1 + lam)  # TMSV amplitudes tanh^n r / cosh r
    alice, bob, amp = [], [], []
    for n1 in range(d):
        for n2 in range(d - n1):
            alice.append(n1 * d + n2)
            bob.append(n2 * d + n1)
            amp.append(c[n1] * c[n2] * (-1) ** n2)
    return np.array(alice), np.array(bob), np.array(amp)


def no_click_operator(theta: float, eta: float, n_max: int, both_modes: bool = False) -> np.ndarray:
    """(1 - eta)^n for the mode cos(theta) a_H + sin(theta) a_V passed by a polariser (or for all photons
    of the side), built block by block of fixed side photon number N from the Fock matrix elements
    <nH+1, nV-1| a_H^+ a_V |nH, nV> = sqrt((nH + 1) nV) and diagonalised numerically."""
    d = n_max + 1
    op = np.zeros((d * d, d * d))
    c, s = np.cos(theta), np.sin(theta)
    for total in range(d):
        idx = np.array([nh * d + (total - nh) for nh in range(total + 1)])
        if both_modes:
            block = np.eye(total + 1) * (1 - eta) ** total
        else:
            n_theta = np.diag([c * c * nh + s * s * (total - nh) for nh in range(total + 1)])
            for nh in range(total):
                hop = c * s * np.sqrt((nh + 1) * (total - nh))  # a_H^+ a_V: (nh, total-nh) -> (nh+1, ...)
                n_theta[nh + 1, nh] = n_theta[nh, nh + 1] = hop
            ev, vec = np.linalg.eigh(n_theta)
            block = (vec * np.power(1 - eta, np.clip(np.round(ev), 0, None))) @ vec.T
        op[np.ix_(idx, idx)] = block
    return op


def expect(state, op_a, op_b):
    """<psi| A (x) B |psi> for the sparse amplitudes of :func:`two_tmsv_state`."""
    alice, bob, amp = state
    return float(amp @ (op_a[np.ix_(alice, alice)] * op_b[np.ix_(bob, bob)]) @ amp)


def fock_coincidence(lam, eta, theta_a, theta_b, n_max, both_modes=False):
    state = two_tmsv_state(lam, n_max)
    ident = np.eye((n_max + 1) ** 2)
    na = no_click_operator(theta_a, eta, n_max, both_modes)
    nb = no_click_operator(theta_b, eta, n_max, both_modes)
    norm = expect(state, ident, ident)  # 1 minus the truncated tail
    return norm - expect(state, na, ident) - expect(state, ident, nb) + expect(state, na, nb)


def cutoff(lam):
    """Per-side cutoff with dropped probability (~n t^(n+1), t = lam/(1+lam)) below 1e-14."""
    t = lam / (1 + lam)
    n = 4
    while (n + 2) * t ** (n + 1) > 1e-14:
        n += 1
    return n


# Truncation drops < 1e-14 of probability; the O(1) terms of norm - P_A - P_B + P_AB cancel with
# rounding ~1e-15. Coincidences here are >= 1e-4, so a relative tolerance of 1e-9 is safe.
FOCK_RTOL = 1e-9
CASES = [pytest.param(lam, eta, id=f"lam={lam},eta={eta}")
         for lam in (0.01, 0.1, 0.3) for eta in (0.2, 0.6, 1.0)]


@pytest.mark.parametrize("lam, eta", CASES)
def test_visibility_matches_the_fock_space_simulation(lam, eta):
    n_max = cutoff(lam)
    c_min = fock_coincidence(lam, eta, 0.3, 0.3, n_max)              # parallel polarisers
    c_max = fock_coincidence(lam, eta, 0.3, 0.3 + np.pi / 2, n_max)  # crossed polarisers
    src = SPDCSource(lam, eta)
    assert src.coincidence_min == pytest.approx(c_min, rel=FOCK_RTOL)
    assert src.coincidence_max == pytest.approx(c_max, rel=FOCK_RTOL)
    assert src.visibility == pytest.approx((c_max - c_min) / (c_max + c_min), rel=1e-8)


@pytest.mark.parametrize("lam, eta", [(0.1, 0.6), (0.3, 1.0)])
def test_coincidences_depend_on_the_angle_difference_only_and_are_extremal_at_0_and_90_degrees(lam, eta):
    n_max = cutoff(lam)
    src = SPDCSource(lam, eta)
    for theta_a, delta in [(0.0, 0.4), (1.1, 0.4), (0.2, 1.0), (0.7, 2.5)]:
        sim = fock_coincidence(lam, eta, theta_a, theta_a + delta, n_max)
        assert src.coincidence_probability(delta) == pytest.approx(sim, rel=FOCK_RTOL)
        assert src.coincidence_min < sim < src.coincidence_max


@pytest.mark.parametrize("lam, eta", CASES)
def test_heralding_probability_matches_the_fock_space_simulation(lam, eta):
    sim = fock_coincidence(lam, eta, 0.0, 0.0, cutoff(lam), both_modes=True)
    assert SPDCSource(lam, eta).heralding_probability == pytest.approx(sim, rel=FOCK_RTOL)


def test_photon_number_correlations_within_and_across_the_two_squeezers():
    # <n_aH n_bV> = 2 lam^2 + lam (one thermal TMSV: n_a = n_b), <n_aH n_bH> = lam^2 (independent):
    # the ratio behind the eta -> 0 visibility (1 + lam)/(1 + 3 lam).
    lam = 0.2
    n_max = cutoff(lam)
    d = n_max + 1
    state = two_tmsv_state(lam, n_max)
    n_h = np.kron(np.diag(np.arange(d)), np.eye(d))
    n_v = np.kron(np.eye(d), np.diag(np.arange(d)))
    assert expect(state, n_h, n_v) == pytest.approx(2 * lam**2 + lam, rel=1e-10)
    assert expect(state, n_h, n_h) == pytest.approx(lam**2, rel=1e-10)
    assert expect(state, n_h, np.eye(d * d)) == pytest.approx(lam, rel=1e-10)


# ---------------------------------------------------------------- limits and laws
@pytest.mark.parametrize("lam", [0.001, 0.05, 0.3, 2.0])
def test_visibility_tends_to_one_plus_lam_over_one_plus_three_lam_as_eta_vanishes(lam):
    limit = (1 + lam) / (1 + 3 * lam)
    assert spdc_visibility(lam, 0.0) == pytest.approx(limit, rel=1e-14)
    # first-order approach: the eta = 1e-6 value differs from the limit by O(eta lam)
    assert spdc_visibility(lam, 1e-6) == pytest.approx(limit, abs=10 * 1e-6 * lam)


@pytest.mark.parametrize("lam", [0.001, 0.05, 0.3, 2.0])
def test_visibility_with_perfect_detectors_is_one_over_one_plus_two_lam(lam):
    # eta = 1: C_max = lam/(1+lam), C_min = (lam/(1+lam))^2
    assert spdc_visibility(lam, 1.0) == pytest.approx(1 / (1 + 2 * lam), rel=1e-14)


@given(st.floats(0.0, 5.0), st.floats(1e-6, 5.0), st.floats(0.0, 1.0))
def test_multi_pair_emission_lowers_the_fidelity(lam1, dlam, eta):
    lam2 = lam1 + dlam
    f1, f2 = SPDCSource(lam1, eta).fidelity, SPDCSource(lam2, eta).fidelity
    assert f2 < f1
    assert 0.25 < f2 <= 1.0


def test_vanishing_pair_rate_gives_a_perfect_pair_and_no_heralds():
    src = SPDCSource(0.0, 0.7)
    assert src.visibility == 1.0 and src.fidelity == 1.0
    assert src.heralding_probability == 0.0


@given(st.floats(1e-12, 1e-6), st.floats(1e-9, 1.0))
def test_heralding_probability_keeps_precision_for_tiny_eta_lambda(lam, eta):
    # small eta lam: P_h = 2 eta^2 lam (1 + 3 lam) + O(eta^3 lam^2); a naive 1 - 2/(1+x)^2 + ... would
    # return 0 or noise here.
    p = spdc_heralding_probability(lam, eta)
    assert p == pytest.approx(2 * eta**2 * lam * (1 + 3 * lam), rel=10 * eta * lam + 1e-12)


# ---------------------------------------------------------------- the state
def test_pair_state_is_werner_relative_to_phi_plus_with_fidelity_one_plus_three_v_over_four():
    src = SPDCSource(0.05, 0.8)
    rho = spdc_pair_state(0.05, 0.8)
    assert (rho - werner_state((1 + 3 * src.visibility) / 4)).norm() < 1e-14
    assert fidelity(rho, PHI) == pytest.approx(src.fidelity, abs=1e-14)


def test_bobs_zx_maps_the_native_psi_minus_form_to_the_phi_plus_form():
    src = SPDCSource(0.05, 0.8)
    zx = qt.tensor(qt.qeye(2), qt.sigmaz() * qt.sigmax())  # X first, then Z, on Bob's qubit
    assert (zx * src.native_state() * zx.dag() - src.state()).norm() < 1e-14
    assert fidelity(src.native_state(), bell_state("psi-")) == pytest.approx(src.fidelity, abs=1e-14)


def test_source_is_immutable_and_serialises():
    src = SPDCSource(0.1, 1.0)
    with pytest.raises(AttributeError):
        src.mean_pairs_per_mode = 0.2
    d = src.to_dict()
    assert d["visibility"] == pytest.approx(1 / 1.2, rel=1e-14)
    assert set(d) >= {"mean_pairs_per_mode", "detector_efficiency", "heralding_probability", "fidelity"}


def test_vectorised_functions_broadcast():
    v = spdc_visibility(np.array([0.01, 0.1])[:, None], np.array([0.5, 1.0]))
    assert v.shape == (2, 2)
    assert v[1, 1] == pytest.approx(1 / 1.2, rel=1e-14)
    c = spdc_coincidence_probability(0.1, 0.5, np.array([0.0, np.pi / 2, np.pi]))
    src = SPDCSource(0.1, 0.5)
    np.testing.assert_allclose(c, [src.coincidence_min, src.coincidence_max, src.coincidence_min], rtol=1e-14)


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("lam, eta, match", [
    (-0.1, 0.5, r"mean_pairs_per_mode must be >= 0, got -0.1"),
    (0.1, 1.5, r"detector_efficiency must be in \[0.0, 1.0\], got 1.5"),
    (0.1, -0.5, r"detector_efficiency must be in \[0.0, 1.0\], got -0.5"),
    (float("nan"), 0.5, r"mean_pairs_per_mode must be finite"),
])
def test_bad_source_parameters_raise_naming_the_parameter(lam, eta, match):
    with pytest.raises(PQMSValueError, match=match):
        spdc_pair_state(lam, eta)
    with pytest.raises(PQMSValueError, match=match):
        spdc_visibility(lam, eta)
