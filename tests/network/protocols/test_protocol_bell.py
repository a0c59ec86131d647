"""Bell-diagonal pairs in time: memory dephasing (T2) through the Pauli-channel algebra."""

import math

import numpy as np
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols.api import repeater_protocol
from pqms_physics.network.protocols.bell import nested_bell_weights
from pqms_physics.network.protocols.spec import ProtocolSpec


@pytest.mark.parametrize("segments, tc", [(2, 30.0), (8, 200.0)])
def test_without_dephasing_the_bell_weights_are_the_werner_model(segments, tc):
    spec = ProtocolSpec(segments, 0.4, p_swap=0.7, link_werner=0.97, coherence_time=tc, cutoff=25)
    res = nested_bell_weights(spec, math.inf)
    werner = repeater_protocol(segments, 0.4, p_swap=0.7, link_werner=0.97, coherence_time=tc, cutoff=25)
    w = werner.mean_werner
    np.testing.assert_allclose(res.bell_weights, [(1 + 3 * w) / 4] + [(1 - w) / 4] * 3, atol=1e-12)
    assert res.protocol.mean_time == pytest.approx(werner.mean_time, rel=1e-12)


@pytest.mark.parametrize("p, t2", [(0.5, 20.0), (0.1, 300.0)])
def test_two_segment_dephasing_raises_only_x_basis_errors(p, t2):
    # Two Z-dephasing memories on the older link for d rounds: X-basis correlator w0^2 exp(-2 d / T2) (each
    # qubit's coherence decays as exp(-t/T2), noise.dephasing), Z-basis correlator w0^2 unchanged.
    # With P(d = 0) = p/(2-p), P(d = k) = 2 p q^k/(2-p): E[exp(-2d/T2)] = (1 + 2 sum_k (q r)^k) p/(2-p).
    w0, q, r = 0.98, 1 - p, math.exp(-2 / t2)
    decay = p / (2 - p) * (1 + 2 * q * r / (1 - q * r))
    res = nested_bell_weights(ProtocolSpec(2, p, link_werner=w0), t2)
    e_z, e_x = res.qber
    assert e_z == pytest.approx((1 - w0**2) / 2, abs=1e-12)
    assert e_x == pytest.approx((1 - w0**2 * decay) / 2, abs=1e-12)
    assert math.isclose(sum(res.bell_weights), 1.0, abs_tol=1e-12)


def test_dephasing_lowers_the_key_rate():
    spec = ProtocolSpec(4, 0.3, link_werner=0.99)
    assert nested_bell_weights(spec, 30.0).secret_key_rate() < nested_bell_weights(spec, math.inf).secret_key_rate()


def test_bad_dephasing_input():
    with pytest.raises(PQMSValueError, match="dephasing_time must be > 0"):
        nested_bell_weights(ProtocolSpec(2, 0.5), 0.0)
    with pytest.raises(PQMSValueError, match="'nested' protocol"):
        nested_bell_weights(ProtocolSpec(3, 0.5, scheme="parallel"), 5.0)
