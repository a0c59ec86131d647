"""Fixed points F_min, F_max of the recurrence: published perfect-gate values, consistency with the maps, noise."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.purification import bbpssw, dejmps, purification_fixed_point


@pytest.mark.parametrize("protocol", ["bbpssw", "dejmps"])
def test_perfect_operations_purify_every_entangled_werner_state(protocol):
    # Bennett et al. 1996 / Deutsch et al. 1996: F_min = 1/2 (Werner states with F <= 1/2 are separable), F_max = 1
    f_min, f_max = purification_fixed_point(protocol)
    assert f_min == pytest.approx(0.5, abs=1e-9)
    assert f_max == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("p2, eta", [(0.99, 1.0), (0.98, 0.99), (0.97, 0.97)])
def test_bbpssw_fixed_points_are_fixed_by_the_public_map(p2, eta):
    fp = purification_fixed_point("bbpssw", gate_fidelity=p2, measurement_fidelity=eta)
    for f in fp:
        assert bbpssw(f, gate_fidelity=p2, measurement_fidelity=eta).fidelity == pytest.approx(f, abs=1e-12)
    # F_max attracts from above and below, F_min repels
    step = lambda f: bbpssw(f, gate_fidelity=p2, measurement_fidelity=eta).fidelity  # noqa: E731
    assert step(fp.f_max - 0.01) > fp.f_max - 0.01 and step(min(fp.f_max + 0.005, 1.0)) < fp.f_max + 0.005
    assert step(fp.f_min + 1e-4) > fp.f_min + 1e-4 and step(fp.f_min - 1e-4) < fp.f_min - 1e-4
    # the maximally mixed state is the third fixed point, for any noise
    assert step(0.25) == pytest.approx(0.25, abs=1e-14)


@pytest.mark.parametrize("p2, eta", [(0.99, 1.0), (0.98, 0.99)])
def test_dejmps_fixed_point_weights_are_fixed_and_f_min_separates_the_basins(p2, eta):
    fp = purification_fixed_point("dejmps", gate_fidelity=p2, measurement_fidelity=eta)
    w = np.array(fp.weights_max)
    np.testing.assert_allclose(dejmps(w, gate_fidelity=p2, measurement_fidelity=eta).weights, w, atol=1e-13)

    def run(f, rounds=400):
        w = np.array([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3])
        for _ in range(rounds):
            w = dejmps(w, gate_fidelity=p2, measurement_fidelity=eta).weights
        return w[0]

    assert run(fp.f_min + 1e-6) == pytest.approx(fp.f_max, abs=1e-9)
    assert run(fp.f_min - 1e-6) < 0.5


def test_dejmps_tolerates_more_gate_noise_than_bbpssw():
    # Deutsch et al. 1996 / Duer et al. 1999: keeping the Bell-diagonal weights beats twirling to Werner form
    for p2 in (0.99, 0.97, 0.95):
        d = purification_fixed_point("dejmps", gate_fidelity=p2, measurement_fidelity=p2)
        b = purification_fixed_point("bbpssw", gate_fidelity=p2, measurement_fidelity=p2)
        assert d.purifiable
        if b.purifiable:
            assert d.f_max > b.f_max and d.f_min < b.f_min


@given(st.floats(0.9, 0.999), st.floats(0.001, 0.02))
def test_f_max_decreases_and_f_min_increases_with_gate_noise(p2, dp):
    a = purification_fixed_point("bbpssw", gate_fidelity=p2 + dp * (1 - p2), measurement_fidelity=0.995)
    b = purification_fixed_point("bbpssw", gate_fidelity=p2, measurement_fidelity=0.995)
    if b.purifiable:
        assert b.f_max < a.f_max and b.f_min > a.f_min


@pytest.mark.parametrize("p2", [0.995, 0.98, 0.96])
def test_dejmps_f_max_decreases_with_gate_noise(p2):
    better = purification_fixed_point("dejmps", gate_fidelity=p2 + 0.002, measurement_fidelity=1.0)
    worse = purification_fixed_point("dejmps", gate_fidelity=p2, measurement_fidelity=1.0)
    assert worse.f_max < better.f_max


def test_too_much_noise_leaves_nothing_purifiable():
    fp = purification_fixed_point("bbpssw", gate_fidelity=0.9, measurement_fidelity=0.9)
    assert not fp.purifiable and math.isnan(fp.f_min) and math.isnan(fp.f_max)
    assert fp.to_dict()["f_max"] is None
    assert not purification_fixed_point("dejmps", gate_fidelity=0.8, measurement_fidelity=0.8).purifiable


def test_bad_arguments_name_the_parameter():
    with pytest.raises(PQMSValueError, match="protocol must be one of"):
        purification_fixed_point("bennett")
    with pytest.raises(PQMSValueError, match=r"gate_fidelity must be in \[0.0, 1.0\], got 2.0"):
        purification_fixed_point("dejmps", gate_fidelity=2.0)
