"""SPDC source: closed-form gain, QBER and visibility of the two named setups versus a truncated Fock-space
simulation of two two-mode squeezed vacua with threshold detectors (tests/helpers/spdc_fock.py), versus
Ma–Fung–Lo's published formulas, and the limits the physics fixes."""

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from spdc_fock import cutoff, expect, fock_coincidence, pbs_gain_and_error, two_tmsv_state

from pqms_physics.core.states import bell_state, fidelity, werner_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.network.sources import (
    SPDCSource,
    spdc_coincidence_probability,
    spdc_heralding_probability,
    spdc_pair_state,
    spdc_polariser_visibility,
    spdc_qber,
    spdc_visibility,
)

PHI = bell_state("phi+")


# Truncation drops < 1e-14 of probability; the O(1) terms of norm - P_A - P_B + P_AB cancel with
# rounding ~1e-15. Coincidences here are >= 1e-4, so a relative tolerance of 1e-9 is safe.
FOCK_RTOL = 1e-9
CASES = [pytest.param(lam, eta, id=f"lam={lam},eta={eta}") for lam in (0.01, 0.1, 0.3) for eta in (0.2, 0.6, 1.0)]


@pytest.mark.parametrize("lam, eta", CASES)
def test_polariser_setup_visibility_matches_the_fock_space_simulation(lam, eta):
    n_max = cutoff(lam)
    c_min = fock_coincidence(lam, eta, 0.3, 0.3, n_max)  # parallel polarisers
    c_max = fock_coincidence(lam, eta, 0.3, 0.3 + np.pi / 2, n_max)  # crossed polarisers
    src = SPDCSource(lam, eta, setup="polariser")
    assert src.coincidence_min == pytest.approx(c_min, rel=FOCK_RTOL)
    assert src.coincidence_max == pytest.approx(c_max, rel=FOCK_RTOL)
    assert src.visibility == pytest.approx((c_max - c_min) / (c_max + c_min), rel=1e-8)
    assert spdc_polariser_visibility(lam, eta) == src.visibility
    # its heralding: each side picks one of the two polariser settings of a basis at random
    assert src.heralding_probability == pytest.approx((c_min + c_max) / 2, rel=FOCK_RTOL)


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
@pytest.mark.parametrize("setup", ["pbs", "polariser"])
def test_visibility_tends_to_one_plus_lam_over_one_plus_three_lam_as_eta_vanishes(lam, setup):
    # both setups: with eta -> 0 at most one photon per side is seen, drawn from the pair statistics
    limit = (1 + lam) / (1 + 3 * lam)
    assert spdc_visibility(lam, 0.0, setup) == pytest.approx(limit, rel=1e-14)
    # first-order approach: the eta = 1e-6 value differs from the limit by O(eta lam)
    assert spdc_visibility(lam, 1e-6, setup) == pytest.approx(limit, abs=10 * 1e-6 * lam)


@pytest.mark.parametrize("lam", [0.001, 0.05, 0.3, 2.0])
def test_visibility_with_perfect_detectors(lam):
    # polariser setup, eta = 1: C_max = lam/(1+lam), C_min = (lam/(1+lam))^2, V = 1/(1 + 2 lam).
    # pbs setup, eta = 1: Ma-Fung-Lo's E with eta = 1 reduces to lam / (2 (2 + lam)), V = 2/(2 + lam).
    assert spdc_visibility(lam, 1.0, "polariser") == pytest.approx(1 / (1 + 2 * lam), rel=1e-14)
    assert spdc_visibility(lam, 1.0) == pytest.approx(2 / (2 + lam), rel=1e-14)


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
@pytest.mark.parametrize("setup", ["pbs", "polariser"])
def test_pair_state_is_werner_relative_to_phi_plus_with_fidelity_one_plus_three_v_over_four(setup):
    src = SPDCSource(0.05, 0.8, setup)
    rho = spdc_pair_state(0.05, 0.8, setup)
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
    assert d["visibility"] == pytest.approx(2 / 2.1, rel=1e-14) and d["setup"] == "pbs"
    assert set(d) >= {"mean_pairs_per_mode", "detector_efficiency", "heralding_probability", "fidelity"}


def test_vectorised_functions_broadcast():
    v = spdc_visibility(np.array([0.01, 0.1])[:, None], np.array([0.5, 1.0]))
    assert v.shape == (2, 2)
    assert v[1, 1] == pytest.approx(2 / 2.1, rel=1e-14)
    c = spdc_coincidence_probability(0.1, 0.5, np.array([0.0, np.pi / 2, np.pi]))
    src = SPDCSource(0.1, 0.5)
    np.testing.assert_allclose(c, [src.coincidence_min, src.coincidence_max, src.coincidence_min], rtol=1e-14)


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "lam, eta, match",
    [
        (-0.1, 0.5, r"mean_pairs_per_mode must be >= 0, got -0.1"),
        (0.1, 1.5, r"detector_efficiency must be in \[0.0, 1.0\], got 1.5"),
        (0.1, -0.5, r"detector_efficiency must be in \[0.0, 1.0\], got -0.5"),
        (float("nan"), 0.5, r"mean_pairs_per_mode must be finite"),
    ],
)
def test_bad_source_parameters_raise_naming_the_parameter(lam, eta, match):
    with pytest.raises(PQMSValueError, match=match):
        spdc_pair_state(lam, eta)
    with pytest.raises(PQMSValueError, match=match):
        spdc_visibility(lam, eta)
    with pytest.raises(PQMSValueError, match=match):
        spdc_qber(lam, eta)


def test_unknown_setup_is_refused_naming_it():
    with pytest.raises(PQMSValueError, match=r"setup must be one of \['pbs', 'polariser'\], got 'pbs2'"):
        SPDCSource(0.1, 0.5, setup="pbs2")
    with pytest.raises(PQMSValueError, match="setup must be one of"):
        spdc_visibility(0.1, 0.5, setup="polarizer")


# ---------------------------------------------------------------- the Ma-Fung-Lo (pbs) setup
PBS_CASES = [
    pytest.param(lam, eta, theta, id=f"lam={lam},eta={eta},theta={theta}")
    for lam, eta in ((0.01, 0.2), (0.1, 1.0), (0.3, 0.6), (0.2, 0.9))
    for theta in (0.0, 0.4, np.pi / 4)
]


@pytest.mark.parametrize("lam, eta, theta", PBS_CASES)
def test_pbs_gain_and_qber_match_the_fock_space_simulation_in_every_basis(lam, eta, theta):
    gain, err = pbs_gain_and_error(lam, eta, theta, cutoff(lam))
    src = SPDCSource(lam, eta)
    assert src.heralding_probability == pytest.approx(gain, rel=FOCK_RTOL)
    assert src.qber == pytest.approx(err / gain, rel=1e-8, abs=1e-13)
    assert spdc_qber(lam, eta) == pytest.approx(err / gain, rel=1e-8, abs=1e-13)


def _ma_fung_lo(lam, eta_a, eta_b):
    """Ma, Fung, Lo, PRA 76, 012307 (2007), overall gain and QBER of the entangled PDC source with threshold
    detectors, intrinsic detector error e_d = 0 and no dark counts (Y_0A = Y_0B = 0), e_0 = 1/2:
    Q = 1 - 1/(1 + eta_A lam)^2 - 1/(1 + eta_B lam)^2 + 1/(1 + eta_A lam + eta_B lam - eta_A eta_B lam)^2,
    E Q = e_0 Q - 2 (e_0 - e_d) eta_A eta_B lam (1 + lam) / ((1 + eta_A lam)(1 + eta_B lam)(1 + eta_A lam
    + eta_B lam - eta_A eta_B lam))."""
    s = 1 + eta_a * lam + eta_b * lam - eta_a * eta_b * lam
    q = 1 - 1 / (1 + eta_a * lam) ** 2 - 1 / (1 + eta_b * lam) ** 2 + 1 / s**2
    eq = 0.5 * q - eta_a * eta_b * lam * (1 + lam) / ((1 + eta_a * lam) * (1 + eta_b * lam) * s)
    return q, eq / q


@given(st.floats(1e-3, 3.0), st.floats(0.05, 1.0))
def test_pbs_setup_is_ma_fung_lo_closed_form(lam, eta):
    q, e = _ma_fung_lo(lam, eta, eta)
    # the published form cancels O(1) terms: its own error is ~1e-16 / Q absolute
    assert spdc_heralding_probability(lam, eta) == pytest.approx(q, rel=1e-10, abs=1e-15)
    assert spdc_qber(lam, eta) == pytest.approx(e, rel=1e-8, abs=1e-14 / q)
    assert spdc_visibility(lam, eta) == pytest.approx(1 - 2 * e, rel=1e-8)


def test_issue_numbers_for_the_two_setups_at_lambda_one_tenth():
    # issue 12: at lambda = 0.1, eta = 1 the polariser setup gives V ~ 0.83 and Ma-Fung-Lo's ~ 0.95
    assert round(spdc_visibility(0.1, 1.0, "polariser"), 2) == 0.83
    assert round(spdc_visibility(0.1, 1.0), 2) == 0.95


@given(st.floats(1e-12, 1e-6), st.floats(1e-9, 1.0))
def test_qber_keeps_precision_for_tiny_lambda(lam, eta):
    # small lam: E = lam (2 - eta)^2 / 4 + O(lam^2) (first order of the closed form, derived by hand)
    assert spdc_qber(lam, eta) == pytest.approx(lam * (2 - eta) ** 2 / 4, rel=20 * lam + 1e-12)


def test_werner_pair_state_has_the_qber_of_the_setup_in_every_basis():
    # QuTiP: probability that Z (or X) outcomes disagree for the Phi+-form state equals the setup's E
    src = SPDCSource(0.2, 0.7)
    rho = src.state()
    z_err = float(
        qt.expect(qt.tensor(qt.basis(2, 0).proj(), qt.basis(2, 1).proj()), rho)
        + qt.expect(qt.tensor(qt.basis(2, 1).proj(), qt.basis(2, 0).proj()), rho)
    )
    xx = float(qt.expect(qt.tensor(qt.sigmax(), qt.sigmax()), rho))
    assert z_err == pytest.approx(src.qber, abs=1e-14)
    assert (1 - xx) / 2 == pytest.approx(src.qber, abs=1e-14)
    assert math.isclose(src.qber, spdc_qber(0.2, 0.7), rel_tol=1e-14)
