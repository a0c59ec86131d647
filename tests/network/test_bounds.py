"""Fibre loss, PLOB / TGW / dephasing capacities at textbook points, waiting times versus the
alternating-sum formula and a seeded Monte Carlo, and the repeater-chain rate model versus independent oracles
(Fock-space SPDC simulation, QuTiP chain, Monte Carlo of the protocol in heralding rounds)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spdc_fock import cutoff, pbs_gain_and_error

from pqms_physics.core.states import bell_state, bell_weights, werner_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.network.bounds import (
    EntanglementRate,
    dephasing_capacity,
    entanglement_rate,
    expected_attempts,
    fiber_transmissivity,
    plob_bound,
    tgw_bound,
)
from pqms_physics.network.chains import fidelity_vs_hops
from pqms_physics.network.sources import spdc_pair_state


# ---------------------------------------------------------------- textbook points
@pytest.mark.parametrize(
    "length_km, alpha, expected",
    [
        pytest.param(0.0, 0.2, 1.0, id="zero length"),
        pytest.param(50.0, 0.2, 0.1, id="10 dB"),
        pytest.param(100.0, 0.2, 0.01, id="20 dB"),
        pytest.param(30.0, 0.5, 10**-1.5, id="15 dB"),
    ],
)
def test_fiber_transmissivity_is_ten_to_minus_alpha_l_over_ten(length_km, alpha, expected):
    assert fiber_transmissivity(length_km, alpha) == pytest.approx(expected, rel=1e-14)


@given(st.floats(0, 500), st.floats(0, 500))
def test_fibre_losses_of_consecutive_spans_multiply(l1, l2):
    assert fiber_transmissivity(l1 + l2) == pytest.approx(
        fiber_transmissivity(l1) * fiber_transmissivity(l2), rel=1e-12
    )


@pytest.mark.parametrize(
    "eta, plob, tgw",
    [
        pytest.param(0.0, 0.0, 0.0, id="no transmission"),
        pytest.param(0.5, 1.0, math.log2(3), id="3 dB"),
        pytest.param(0.75, 2.0, math.log2(7), id="eta=3/4"),
        pytest.param(1.0, math.inf, math.inf, id="identity channel"),
    ],
)
def test_plob_and_tgw_at_textbook_points(eta, plob, tgw):
    assert plob_bound(eta) == pytest.approx(plob, rel=1e-14)
    assert tgw_bound(eta) == pytest.approx(tgw, rel=1e-14)


def test_plob_is_one_point_four_four_eta_for_small_eta():
    # -log2(1 - eta) = (eta + eta^2/2 + ...)/ln 2: relative correction eta/2
    for eta in (1e-12, 1e-8, 1e-4):
        assert plob_bound(eta) == pytest.approx(eta / math.log(2), rel=eta)
        assert tgw_bound(eta) == pytest.approx(2 * eta / math.log(2), rel=eta)


@given(st.floats(0.0, 0.999999))
def test_tgw_bound_is_never_below_plob(eta):
    # log2((1+eta)/(1-eta)) - (-log2(1-eta)) = log2(1+eta) >= 0
    assert tgw_bound(eta) - plob_bound(eta) == pytest.approx(math.log2(1 + eta), abs=1e-12)


@pytest.mark.parametrize(
    "p, expected", [(0.0, 1.0), (0.5, 0.0), (1.0, 1.0), (0.11, 1 - (-0.11 * math.log2(0.11) - 0.89 * math.log2(0.89)))]
)
def test_dephasing_capacity_is_one_minus_binary_entropy(p, expected):
    assert dephasing_capacity(p) == pytest.approx(expected, abs=1e-15)


def test_dephasing_capacity_of_the_core_dephasing_channel_matches_its_flip_probability():
    from pqms_physics.core.noise import dephasing

    gamma, t = 0.2, 1.5
    p = (1 - math.exp(-2 * gamma * t)) / 2  # Z-flip probability of dephasing(gamma, t)
    weights = bell_weights(dephasing(gamma, t).on(1, 2)(bell_state("phi+")))
    assert weights[3] == pytest.approx(p, abs=1e-14)
    assert dephasing_capacity(p) == pytest.approx(1 - (-p * math.log2(p) - (1 - p) * math.log2(1 - p)), abs=1e-14)


# ---------------------------------------------------------------- waiting times
def alternating_sum(n, p):
    """Bernardes-Praxmeyer-van Loock closed form, exactly as printed (fine for small n)."""
    return sum((-1) ** (k + 1) * math.comb(n, k) / (1 - (1 - p) ** k) for k in range(1, n + 1))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 8, 12])
@pytest.mark.parametrize("p", [1.0, 0.5, 0.1, 0.01])
def test_expected_attempts_equals_the_alternating_sum(n, p):
    # the alternating sum loses ~log10(C(12, 6)) ~ 3 digits at n = 12
    assert expected_attempts(n, p) == pytest.approx(alternating_sum(n, p), rel=1e-11)


def test_expected_attempts_textbook_cases():
    assert expected_attempts(1, 0.2) == pytest.approx(5.0, rel=1e-15)
    p = 0.3
    assert expected_attempts(2, p) == pytest.approx((3 - 2 * p) / (p * (2 - p)), rel=1e-14)
    assert expected_attempts(16, 1.0) == 1.0
    # small p: Z_n -> H_n / p (continuous limit of the maximum of n exponentials)
    harmonic = sum(1 / k for k in range(1, 9))
    assert expected_attempts(8, 1e-7) * 1e-7 == pytest.approx(harmonic, rel=1e-6)


@pytest.mark.parametrize("n, p, seed", [(1, 0.3, 11), (4, 0.05, 12), (16, 0.2, 13), (64, 0.01, 14)])
def test_expected_attempts_matches_a_seeded_monte_carlo(n, p, seed):
    # Seeds fixed before looking at results. Mean of 2e5 maxima of n geometric variables; |error| below
    # 5 standard errors fails with probability ~6e-7 per case (CLT; the maximum has finite variance).
    rng = np.random.default_rng(seed)
    trials = 200_000
    maxima = rng.geometric(p, size=(trials, n)).max(axis=1)
    se = maxima.std(ddof=1) / math.sqrt(trials)
    assert abs(maxima.mean() - expected_attempts(n, p)) < 5 * se


def test_expected_attempts_is_stable_where_the_alternating_sum_fails():
    # n = 128: C(128, 64) ~ 2e37, the alternating sum is pure rounding noise; the recursion must stay
    # between the bounds H_n/(-ln(1-p)) <= Z_n <= H_n/(-ln(1-p)) + 1 (maximum of geometrics vs exponentials).
    n, p = 128, 0.01
    z = expected_attempts(n, p)
    h = sum(1 / k for k in range(1, n + 1))
    rate = -math.log1p(-p)
    assert h / rate <= z <= h / rate + 1


def test_expected_attempts_vectorises_over_p():
    p = np.array([0.5, 0.1, 0.01])
    np.testing.assert_allclose(expected_attempts(3, p), [alternating_sum(3, q) for q in p], rtol=1e-12)


# ---------------------------------------------------------------- rate model
def test_rate_parts_match_independent_oracles():
    # link heralding and visibility: the Fock-space simulation of the Ma-Fung-Lo PBS setup at the arm
    # efficiency (tests/helpers/spdc_fock.py); delivered fidelity: the QuTiP chain of Werner links.
    length, n, lam, eta, p, eta_m = 200.0, 4, 0.005, 0.9, 0.99, 0.995
    r = entanglement_rate(
        length, n, mean_pairs_per_mode=lam, detector_efficiency=eta, gate_fidelity=p, measurement_fidelity=eta_m
    )
    arm = eta * 10 ** (-0.2 * length / n / 2 / 10)  # 0.2 dB/km over L0/2 to each node
    gain, err = pbs_gain_and_error(lam, arm, 0.0, cutoff(lam))
    assert float(r.link_success_probability) == pytest.approx(gain, rel=1e-9)
    assert float(r.link_fidelity) == pytest.approx(1 - 3 * err / gain / 2, rel=1e-9)  # F = (1 + 3(1 - 2E))/4
    f_chain = fidelity_vs_hops(werner_state(1 - 1.5 * err / gain), [n], p, eta_m)[0]
    assert float(r.delivered_fidelity) == pytest.approx(f_chain, abs=1e-9)


def test_waiting_time_and_ebits_per_second_match_a_monte_carlo_of_the_protocol():
    # The rate model's protocol is the "parallel" scheme in attempt rounds; one round is the heralding round
    # trip L0/c (issue 12). Monte Carlo of that protocol (network.protocols.montecarlo), converted to seconds
    # with L0 / 2e5 km/s, against expected_pulses and ebits_per_s (5 standard errors).
    from pqms_physics.network.protocols.montecarlo import simulate
    from pqms_physics.network.protocols.spec import ProtocolSpec

    length, n = 200.0, 4
    r = entanglement_rate(length, n, mean_pairs_per_mode=0.05, repetition_rate_hz=1e8)
    mc = simulate(ProtocolSpec(n, float(r.link_success_probability), scheme="parallel"), samples=50_000, seed=21)
    assert abs(mc.mean_time - float(r.expected_pulses)) <= 5 * mc.mean_time_stderr
    seconds_per_pair = mc.mean_time * (length / n) / 2e5
    rel = 5 * mc.mean_time_stderr / mc.mean_time
    assert float(r.ebits_per_s) == pytest.approx(float(r.distillable_fraction) / seconds_per_pair, rel=rel)


def test_one_attempt_per_heralding_round_trip():
    # issue 12: at 200 km, 4 segments and 1e8 Hz a memory learns of its link after L0/c = 250 us, so a segment
    # attempts 4000 times per second, not 1e8: counting pulses overstated ebit/s by 1e8 * 250 us = 2.5e4
    # (the issue's ~1.9e4 ebit/s against ~0.8 ebit/s).
    r = entanglement_rate(200.0, 4, repetition_rate_hz=1e8)
    assert float(r.round_time_s) == pytest.approx(50.0 / 2e5, rel=1e-15)
    assert float(r.attempts_per_s) == pytest.approx(4000.0, rel=1e-12)
    assert float(r.ebits_per_pulse) * 1e8 / float(r.ebits_per_s) == pytest.approx(2.5e4, rel=1e-12)
    # a local time per round (memory reset) lengthens the round
    slow = entanglement_rate(200.0, 4, repetition_rate_hz=1e8, local_time_s=250e-6)
    assert float(slow.attempts_per_s) == pytest.approx(2000.0, rel=1e-12)
    # a source slower than the heralding round limits the attempts instead
    assert float(entanglement_rate(200.0, 4, repetition_rate_hz=1e3).attempts_per_s) == 1e3


def test_direct_transmission_uses_every_pulse():
    # n_links = 1: no memory waits for a herald, every pulse is an attempt
    r = entanglement_rate([10.0, 100.0], 1, repetition_rate_hz=1e8)
    np.testing.assert_allclose(r.ebits_per_s, r.ebits_per_pulse * 1e8, rtol=1e-15)
    assert np.all(r.round_time_s == 0.0)


def test_distillable_fraction_is_the_hashing_bound_of_the_delivered_state():
    from pqms_physics.network.chains import chain_state

    r = entanglement_rate(100.0, 2, mean_pairs_per_mode=0.01, gate_fidelity=0.98)
    link = spdc_pair_state(0.01, float(r.arm_efficiency))
    w = bell_weights(chain_state(link, 2, 0.98))
    hashing = 1 + sum(x * math.log2(x) for x in w if x > 0)
    assert float(r.distillable_fraction) == pytest.approx(max(0.0, hashing), abs=1e-12)


@given(st.floats(1e-4, 3.0), st.floats(0.01, 1.0), st.integers(1, 16))
def test_rates_never_exceed_the_plob_bound_of_one_segment(lam, eta, n):
    # Repeater-assisted capacity of a chain of n equal lossy segments is the PLOB bound of one segment
    # (Pirandola 2019); for n = 1 it is the repeaterless PLOB bound.
    r = entanglement_rate(np.linspace(1.0, 800.0, 25), n, mean_pairs_per_mode=lam, detector_efficiency=eta)
    assert np.all(r.ebits_per_mode <= r.plob_chain)
    if n == 1:
        assert np.all(r.ebits_per_mode <= r.plob_repeaterless)


def test_chain_rate_decays_as_the_nth_root_of_the_total_loss():
    # Far away, P_h ~ 2 lam eta_arm^2 and Z_n ~ H_n / P_h, so the rate scales as T(L / n): a slope of
    # -alpha/n dB per km. Fidelity is distance independent there (eta_arm -> 0 limit of V).
    n, alpha = 4, 0.2
    r = entanglement_rate(np.array([800.0, 1000.0]), n, mean_pairs_per_mode=0.001, loss_db_per_km=alpha)
    slope_db_per_km = 10 * np.log10(r.ebits_per_pulse[1] / r.ebits_per_pulse[0]) / 200.0
    assert slope_db_per_km == pytest.approx(-alpha / n, rel=1e-3)


def test_result_is_frozen_and_serialises():
    r = entanglement_rate([10.0, 20.0], 2)
    assert isinstance(r, EntanglementRate)
    with pytest.raises(AttributeError):
        r.n_links = 3
    d = r.to_dict()
    assert d["ebits_per_s"] is None and len(d["ebits_per_pulse"]) == 2


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fiber_transmissivity(-1.0), r"length_km must be >= 0, got -1.0"),
        (lambda: fiber_transmissivity([10.0, -5.0]), r"length_km must be >= 0, got -5.0"),
        (lambda: fiber_transmissivity(10.0, -0.2), r"loss_db_per_km must be >= 0, got -0.2"),
        (lambda: plob_bound(1.2), r"eta must be in \[0.0, 1.0\], got 1.2"),
        (lambda: tgw_bound(-0.1), r"eta must be in \[0.0, 1.0\], got -0.1"),
        (lambda: dephasing_capacity(1.5), r"p must be in \[0.0, 1.0\], got 1.5"),
        (lambda: expected_attempts(0, 0.5), r"n_links must be >= 1, got 0"),
        (lambda: expected_attempts(2, 0.0), r"p must be in \(0, 1\], got 0.0"),
        (lambda: entanglement_rate(-3.0, 2), r"length_km must be >= 0, got -3.0"),
        (lambda: entanglement_rate(10.0, 0), r"n_links must be >= 1, got 0"),
        (lambda: entanglement_rate(10.0, 2, detector_efficiency=1.1), r"detector_efficiency must be in"),
        (lambda: entanglement_rate(10.0, 2, mean_pairs_per_mode=0.0), r"mean_pairs_per_mode must be > 0, got 0.0"),
        (lambda: entanglement_rate(10.0, 2, repetition_rate_hz=-1.0), r"repetition_rate_hz must be > 0"),
        (lambda: entanglement_rate(10.0, 2, local_time_s=-1e-6), r"local_time_s must be >= 0, got -1e-06"),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, match):
    with pytest.raises(PQMSValueError, match=match):
        call()
