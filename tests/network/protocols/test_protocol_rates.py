"""Rates in physical units: round time, link probability, ebit/s and secret bits/s."""

import json
import math

import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols.rates import midpoint_link_probability, protocol_rate


def test_midpoint_link_probability_is_bsm_times_two_detectors_times_fibre():
    # Both photons cross L0/2: transmissivity 10^(-0.2 * 80 / 10) = 10^-1.6 overall.
    p = midpoint_link_probability(80.0, detector_efficiency=0.9, bsm_success=0.5)
    assert p == pytest.approx(0.5 * 0.81 * 10**-1.6, rel=1e-14)


@pytest.mark.parametrize("length", [20.0, 100.0, 300.0])
def test_two_segment_rate_is_one_over_mean_waiting_time_times_heralding_time(length):
    # E[T] = (3 - 2p)/(p (2 - p)) rounds (SSvL 2019) of L0 / (2e5 km/s) each.
    r = protocol_rate(length, 2)
    p = 0.5 * 10 ** (-0.2 * (length / 2) / 10)
    t_round = (length / 2) / 2.0e5
    assert r.ebits_per_s == pytest.approx(p * (2 - p) / ((3 - 2 * p) * t_round), rel=1e-10)
    assert r.secret_bits_per_s == pytest.approx(r.ebits_per_s, rel=1e-12)  # perfect pairs: 1 secret bit each


def test_repetition_rate_multiplexes_pulses_within_a_heralding_round_and_plob_uses_the_same_rate():
    r = protocol_rate(200.0, 4, repetition_rate_hz=1e6, coherence_time_s=1.0)
    assert r.modes == math.floor(1e6 * 50.0 / 2.0e5)  # 250 pulses per 250 us round
    assert r.coherence_time_rounds == pytest.approx(1.0 / 2.5e-4)
    assert r.plob_bits_per_s == pytest.approx(-math.log2(1 - 10 ** (-0.2 * 200 / 10)) * 1e6, rel=1e-12)
    assert json.loads(json.dumps(r.to_dict()))["segments"] == 4


def test_memory_decoherence_lowers_fidelity_and_key_rate():
    good = protocol_rate(400.0, 8, coherence_time_s=10.0, link_werner=0.99, p_swap=0.5)
    bad = protocol_rate(400.0, 8, coherence_time_s=0.01, link_werner=0.99, p_swap=0.5)
    assert bad.mean_fidelity < good.mean_fidelity
    assert bad.secret_bits_per_s < good.secret_bits_per_s
    assert bad.ebits_per_s == pytest.approx(good.ebits_per_s, rel=1e-12)  # no cutoff: timing unchanged


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(length_km=0.0, segments=2), "length_km must be > 0", id="length"),
        pytest.param(dict(length_km=10.0, segments=2, coherence_time_s=0.0), "coherence_time_s must be > 0", id="tcoh"),
        pytest.param(dict(length_km=10.0, segments=2, detector_efficiency=0.0), "detector_efficiency", id="eta"),
        pytest.param(
            dict(length_km=10.0, segments=2, repetition_rate_hz=-1.0), "repetition_rate_hz must be > 0", id="rate"
        ),
    ],
)
def test_bad_rate_inputs_name_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        protocol_rate(**kwargs)
