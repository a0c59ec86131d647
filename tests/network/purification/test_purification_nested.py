"""Recurrence, pumping, nested BDCZ repeaters and target mode: composition, resource counting, scaling laws."""

import math

import numpy as np
import pytest

from pqms_physics.core.states import fidelity, werner_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.network.chains import fidelity_vs_hops
from pqms_physics.network.purification import (
    bbpssw,
    dejmps,
    entanglement_pumping,
    nested_repeater,
    purification_fixed_point,
    purification_target,
    recurrence,
    resource_scaling,
)
from pqms_physics.network.swapping import swap

W = [0.85, 0.07, 0.05, 0.03]


def test_recurrence_is_repeated_dejmps_with_identical_copies_and_costs_2R_over_P():
    s = recurrence(W, 3, gate_fidelity=0.99, measurement_fidelity=0.98)
    w, cost = np.array(W), 1.0
    for k in range(3):
        r = dejmps(w, gate_fidelity=0.99, measurement_fidelity=0.98)
        w, cost = r.weights, 2 * cost / r.success_probability
        assert s.fidelities[k + 1] == pytest.approx(r.fidelity, abs=1e-15)
        assert s.success_probabilities[k] == pytest.approx(r.success_probability, abs=1e-15)
        assert s.raw_pairs[k + 1] == pytest.approx(cost, rel=1e-14)


def test_pumping_uses_a_fresh_raw_pair_every_round_and_saturates_below_the_recurrence():
    s = entanglement_pumping(W, 30)
    w, cost = np.array(W), 1.0
    for k in range(3):
        r = dejmps(w, W)
        w, cost = r.weights, (cost + 1) / r.success_probability
        assert s.raw_pairs[k + 1] == pytest.approx(cost, rel=1e-14)
    assert abs(s.fidelities[-1] - s.fidelities[-2]) < 1e-6  # converged to the pumping fixed point
    assert s.fidelities[-1] < 0.999 < recurrence(W, 6).fidelities[-1]  # recurrence goes to F_max = 1


def test_bbpssw_schedule_stays_werner_and_follows_the_werner_map():
    s = recurrence(W, 2, protocol="bbpssw")
    f = bbpssw(bbpssw(W[0]).fidelity).fidelity
    assert s.fidelities[-1] == pytest.approx(f, abs=1e-15)
    assert s.weights[1] == pytest.approx(s.weights[2]) == pytest.approx((1 - f) / 3)


def test_expected_raw_pairs_of_the_recurrence_match_a_monte_carlo_with_restarts():
    # Each attempt at level k builds two level-(k-1) pairs and keeps one with probability P_k; on failure both
    # are lost. Simulated by counting raw pairs; 20k deliveries: sigma of the mean ~ 1% of R.
    s = recurrence([0.75, 0.1, 0.1, 0.05], 3, gate_fidelity=0.98, measurement_fidelity=0.98)
    p = s.success_probabilities
    rng = np.random.default_rng(5)

    def build(level):
        if level == 0:
            return 1
        total = 0
        while True:  # a failed attempt spends both pairs; try again until one is kept
            total += build(level - 1) + build(level - 1)
            if rng.random() < p[level - 1]:
                return total

    samples = np.array([build(3) for _ in range(20_000)], dtype=float)
    sem = samples.std() / math.sqrt(samples.size)
    assert abs(samples.mean() - s.raw_pairs[-1]) < 5 * sem


def test_nested_without_purification_is_the_swapped_chain():
    # Werner links and ideal swaps: 1/4 + 3/4 w^N (chains module, and the closed form)
    for hops in (1, 2, 3, 5, 8):
        r = nested_repeater(0.97, hops, rounds=0)
        assert r.fidelity == pytest.approx(float(fidelity_vs_hops(werner_state(0.97), [hops])[0]), abs=1e-12)
        assert r.raw_pairs == hops


def test_two_hops_with_one_round_per_level_is_purify_swap_purify_by_hand():
    p2, eta = 0.99, 0.985
    link = dejmps(W, gate_fidelity=p2, measurement_fidelity=eta)
    from pqms_physics.core.states import bell_diagonal_from_weights, bell_weights

    swapped = bell_weights(
        swap(bell_diagonal_from_weights(link.weights), bell_diagonal_from_weights(link.weights), p2, eta)
    )
    top = dejmps(swapped, gate_fidelity=p2, measurement_fidelity=eta)
    r = nested_repeater(W, 2, rounds=(1, 1), gate_fidelity=p2, measurement_fidelity=eta)
    assert r.fidelity == pytest.approx(top.fidelity, abs=1e-12)
    cost_link = 2 / link.success_probability
    assert r.raw_pairs == pytest.approx(2 * (2 * cost_link) / top.success_probability, rel=1e-12)
    assert fidelity(werner_state(r.fidelity), werner_state(r.fidelity)) == pytest.approx(1.0)


def test_resources_grow_polynomially_with_the_per_level_factor():
    # perfect operations, one recurrence round per level: success -> 1, so each level costs x2 (swap) x2 (round)
    s = resource_scaling(0.95, 10, 1)
    assert s.exponent == pytest.approx(2.0, abs=1e-6)
    assert s.fidelity[-1] > 0.9999
    # noisy: the level map w -> purify^k(swap(w, w)) has a fixed point; its cost factor M gives R ~ N^log2(M)
    p2 = eta = 0.99
    k = 2
    s = resource_scaling(0.95, 12, k, gate_fidelity=p2, measurement_fidelity=eta)
    w = np.array(nested_repeater(0.95, 2**12, k, gate_fidelity=p2, measurement_fidelity=eta).weights)
    from pqms_physics.core.bell_algebra import swap_weights

    for _ in range(200):  # the level map, iterated by hand to its fixed point
        v, m = swap_weights(w, w, p2, eta), 2.0
        for _ in range(k):
            r = dejmps(v, gate_fidelity=p2, measurement_fidelity=eta)
            v, m = r.weights, 2 * m / r.success_probability
        w = v
    assert s.exponent == pytest.approx(math.log2(m), abs=1e-3)
    assert s.fidelity[-1] == pytest.approx(w[0], abs=1e-6)
    ratios = np.diff(np.log2(s.raw_pairs))
    assert np.all(np.abs(np.diff(ratios[-4:])) < 1e-2)  # a straight line on log-log axes, not exponential


def test_distance_and_result_serialisation():
    import json

    r = nested_repeater(0.95, 4, 1, link_length_km=25.0)
    assert r.distance_km == 100.0 and r.rounds == (1, 1, 1)
    assert json.loads(json.dumps(r.to_dict()))["hops"] == 4


def test_target_mode_finds_a_schedule_that_reaches_the_target_and_it_is_the_cheapest():
    r = purification_target(0.99, 4, link_fidelities=(0.9, 0.95), max_rounds=2)
    assert r.reachable and r.link_fidelity == 0.9
    again = nested_repeater(0.9, 4, r.rounds)
    assert again.fidelity >= 0.99 and again.raw_pairs == pytest.approx(r.raw_pairs)
    import itertools

    for sched in itertools.product(range(3), repeat=3):  # brute force over the public function
        x = nested_repeater(0.9, 4, sched)
        if x.fidelity >= 0.99:
            assert x.raw_pairs >= r.raw_pairs - 1e-9
    # without purification: 1/4 + 3/4 w^4 = 0.99 -> w = (0.99 - 1/4) * 4/3 ** (1/4)
    w = ((0.99 - 0.25) / 0.75) ** 0.25
    assert r.link_fidelity_without_purification == pytest.approx((3 * w + 1) / 4, abs=1e-12)


def test_target_above_f_max_is_reported_unreachable_with_the_reason():
    r = purification_target(0.999, 10, gate_fidelity=0.99, measurement_fidelity=0.99)
    f_max = purification_fixed_point("dejmps", gate_fidelity=0.99, measurement_fidelity=0.99).f_max
    assert not r.reachable and r.f_max == pytest.approx(f_max) and f_max < 0.999
    assert "unreachable" in r.reason and "F_max" in r.reason
    assert math.isnan(r.raw_pairs) and r.rounds == ()


@pytest.mark.parametrize(
    "call, match",
    [
        pytest.param(lambda: nested_repeater(0.9, 0), "hops must be >= 1, got 0", id="hops"),
        pytest.param(
            lambda: nested_repeater(0.9, 4, (1, 1)), r"rounds must have one entry per level 0..2", id="rounds"
        ),
        pytest.param(lambda: nested_repeater(1.1, 4), r"link must be in \[0.0, 1.0\], got 1.1", id="link"),
        pytest.param(lambda: nested_repeater([0.5, 0.5, 0.5, 0.5], 4), "link must sum to 1", id="link-weights"),
        pytest.param(lambda: nested_repeater(0.9, 4, scheme="tree"), "scheme must be one of", id="scheme"),
        pytest.param(lambda: recurrence(W, -1), "rounds must be >= 0, got -1", id="rounds-neg"),
        pytest.param(
            lambda: purification_target(1.2, 4), r"target_fidelity must be in \[0.25, 1.0\], got 1.2", id="target"
        ),
        pytest.param(lambda: purification_target(0.9, 4, max_rounds=9), "max_rounds must be <= 6, got 9", id="max"),
    ],
)
def test_bad_arguments_name_the_parameter(call, match):
    with pytest.raises(PQMSValueError, match=match):
        call()


@pytest.mark.parametrize("p2, eta", [(1.0, 1.0), (0.97, 0.99), (0.9, 0.95)])
def test_distil_unit_coefficients_reproduce_bbpssw_and_the_time_engines_perfect_form(p2, eta):
    from pqms_physics.network.purification import bbpssw_werner_coefficients

    c = bbpssw_werner_coefficients(p2, eta)
    rng = np.random.default_rng(3)
    for w1, w2 in rng.uniform(-1 / 3, 1, size=(20, 2)):
        r = bbpssw((1 + 3 * w1) / 4, (1 + 3 * w2) / 4, gate_fidelity=p2, measurement_fidelity=eta)
        assert c.success_probability(w1, w2) == pytest.approx(r.success_probability, abs=1e-14)
        assert c.weighted_werner(w1, w2) == pytest.approx(r.success_probability * (4 * r.fidelity - 1) / 3, abs=1e-14)
        if (p2, eta) == (1.0, 1.0):  # the form of protocols.units.distil_attempt (Bennett et al. 1996)
            assert c.success_probability(w1, w2) == pytest.approx((1 + w1 * w2) / 2, abs=1e-14)
            assert c.weighted_werner(w1, w2) == pytest.approx((w1 + w2 + 4 * w1 * w2) / 6, abs=1e-14)
