"""CHSH of repeater-chain pairs: closed forms for Werner and dephased links, agreement with the chain module."""

import json
import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.chsh import STANDARD_ANGLES, chsh_value, chsh_vs_distance, chsh_vs_hops, optimal_settings
from pqms_physics.core.noise import dephasing, depolarizing
from pqms_physics.core.states import bell_state, werner_state
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.network.chains import chain_state, fidelity_vs_hops
from pqms_physics.network.protocols.spec import round_time_s

PHI = bell_state("phi+")
C_FIBRE = 2.0e5  # km/s, the documented default


def werner_w(f: float) -> float:
    return (4 * f - 1) / 3


# ------------------------------------------------------------------------ versus hops
@given(st.floats(0.5, 1.0), st.integers(1, 40))
def test_werner_links_with_ideal_swaps_give_2_sqrt2_w_to_the_n(f, n):
    r = chsh_vs_hops(werner_state(f), [n])
    assert r.s_value[0] == pytest.approx(2 * math.sqrt(2) * werner_w(f) ** n, abs=1e-12)
    assert r.fidelity[0] == pytest.approx(0.25 + 0.75 * werner_w(f) ** n, abs=1e-12)


@given(st.floats(0.8, 1.0), st.floats(0.9, 1.0), st.floats(0.9, 1.0), st.integers(1, 12))
def test_twirled_noisy_chain_follows_duer_werner_parameter(f, p, eta, n):
    # Duer et al. 1999: w_n = w^n [p (4 eta^2 - 1)/3]^(n-1) for Werner-twirled intermediate pairs
    w_n = werner_w(f) ** n * (p * (4 * eta**2 - 1) / 3) ** (n - 1)
    r = chsh_vs_hops(werner_state(f), [n], gate_fidelity=p, measurement_fidelity=eta, twirl=True)
    assert r.s_value[0] == pytest.approx(2 * math.sqrt(2) * abs(w_n), abs=1e-12)


@pytest.mark.parametrize("gamma_t", [0.05, 0.3, 1.0])
def test_dephased_links_multiply_their_coherence_along_an_ideal_chain(gamma_t):
    c = math.exp(-2 * gamma_t)  # coherence of a Phi+ link with one half dephased for gamma * t = gamma_t
    link = dephasing(gamma_t, 1.0).on(1, n=2)(PHI)
    hops = [1, 2, 3, 7, 20]
    r = chsh_vs_hops(link, hops)
    np.testing.assert_allclose(r.s_value, [2 * math.sqrt(1 + c ** (2 * n)) for n in hops], atol=1e-12)
    # pure dephasing only brings S_max down towards 2 (2 to rounding, 1e-15, once c^(2n) < 1e-16)
    assert np.all(r.s_value >= 2.0 - 1e-12) and r.violates[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({}, id="ideal"),
        pytest.param({"gate_fidelity": 0.98, "measurement_fidelity": 0.99}, id="duer"),
        pytest.param({"memory": dephasing(2.0, 0.01)}, id="dephasing-memory"),
        pytest.param({"memory": depolarizing(0.01), "twirl": True}, id="twirled"),
    ],
)
def test_chsh_vs_hops_is_chsh_of_chain_state_and_its_fidelity_is_fidelity_vs_hops(kwargs):
    rng = np.random.default_rng(5)
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    noise = g @ g.conj().T
    link = 0.9 * qt.ket2dm(PHI) + 0.1 * qt.Qobj(noise / np.trace(noise), dims=[[2, 2], [2, 2]])  # not Bell-diagonal
    hops = [3, 1, 5, 2]
    r = chsh_vs_hops(link, hops, **kwargs)
    expected = [chsh_value(chain_state(link, n, **kwargs)) for n in hops]
    np.testing.assert_allclose(r.s_value, expected, atol=1e-12)
    np.testing.assert_allclose(r.fidelity, fidelity_vs_hops(link, hops, **kwargs), atol=1e-12)
    assert r.hops.tolist() == hops


def test_fixed_settings_never_beat_s_max_and_standard_angles_are_optimal_for_werner():
    link = dephasing(0.4, 1.0).on(1, n=2)(werner_state(0.97))
    fixed = chsh_vs_hops(link, [1, 2, 4], settings=optimal_settings(link))
    best = chsh_vs_hops(link, [1, 2, 4])
    assert np.all(fixed.s_value <= best.s_value + 1e-12)
    assert fixed.s_value[0] == pytest.approx(best.s_value[0], abs=1e-12)  # the link's own optimum
    werner = chsh_vs_hops(werner_state(0.9), [1, 3], settings=STANDARD_ANGLES)
    np.testing.assert_allclose(werner.s_value, chsh_vs_hops(werner_state(0.9), [1, 3]).s_value, atol=1e-12)


def test_one_swap_of_0999_links_and_the_link_fidelity_needed_for_s_above_2_8():
    # S after one swap of Werner links = 2 sqrt(2) w^2; S > 2.8 needs w > sqrt(2.8 / (2 sqrt 2))
    w_min = math.sqrt(2.8 / (2 * math.sqrt(2)))
    f_min = (3 * w_min + 1) / 4
    r = chsh_vs_hops(werner_state(f_min), [2])
    assert r.s_value[0] == pytest.approx(2.8, abs=1e-12)
    assert chsh_vs_hops(werner_state(0.999), [2]).s_value[0] == pytest.approx(2.8209, abs=5e-5)


def test_results_are_immutable_and_json_ready():
    r = chsh_vs_hops(werner_state(0.9), [1, 2])
    d = chsh_vs_distance(PHI, [0.0, 10.0], 2, gamma_per_s=1.0)
    for res in (r, d):
        json.dumps(res.to_dict())
        assert res.to_dict()["local_bound"] == 2.0
        with pytest.raises(ValueError):
            res.s_value[0] = 3.0
        with pytest.raises(AttributeError):
            res.s_value = None


# --------------------------------------------------------------------- versus distance
@given(st.floats(0.0, 2000.0), st.integers(1, 8), st.floats(0.0, 50.0))
def test_phi_plus_links_over_distance_follow_the_dephasing_closed_form(length, n, gamma):
    # a memory knows its link exists after the heralding round trip L0/c (issue 12: photon to the midpoint
    # and herald back), so both qubits of each of the n links dephase for L0/c, and both outer qubits wait
    # L0/c at each of the n - 1 swaps; one qubit dephased for t multiplies the coherence by exp(-2 gamma t):
    # C = exp(-2 gamma (2 n L0 + 2 (n - 1) L0) / c), S_max = 2 sqrt(1 + C^2)
    l0 = length / n
    c_tot = math.exp(-2 * gamma * (2 * n * l0 + 2 * (n - 1) * l0) / C_FIBRE)
    r = chsh_vs_distance(PHI, [length], n, gamma_per_s=gamma)
    assert r.s_value[0] == pytest.approx(2 * math.sqrt(1 + c_tot**2), abs=1e-12)
    assert r.fidelity[0] == pytest.approx((1 + c_tot) / 2, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_chsh_vs_distance_is_the_chain_of_herald_dephased_links_with_swap_memory(n):
    link = werner_state(0.96)
    lengths = [0.0, 80.0, 600.0]
    gamma, p, eta = 30.0, 0.99, 0.995
    r = chsh_vs_distance(link, lengths, n, gamma_per_s=gamma, gate_fidelity=p, measurement_fidelity=eta)
    for k, length in enumerate(lengths):
        l0 = length / n
        herald = dephasing(gamma, l0 / C_FIBRE)
        rho = chain_state((herald & herald)(link), n, p, eta, memory=dephasing(gamma, l0 / C_FIBRE))
        assert r.s_value[k] == pytest.approx(chsh_value(rho), abs=1e-12)
        assert r.heralding_wait_s[k] == pytest.approx(l0 / C_FIBRE, rel=1e-15)
        assert r.heralding_wait_s[k] == pytest.approx(round_time_s(l0), rel=1e-15)  # one home for rounds -> s
        assert r.swap_wait_s[k] == pytest.approx(l0 / C_FIBRE, rel=1e-15)
    # at zero distance nothing waits: the chain of the bare links
    assert r.s_value[0] == pytest.approx(chsh_vs_hops(link, [n], p, eta).s_value[0], abs=1e-12)


def test_s_decreases_with_distance_and_a_slower_fibre_makes_it_worse():
    lengths = np.linspace(0, 3000, 13)
    fast = chsh_vs_distance(werner_state(0.98), lengths, 3, gamma_per_s=20.0)
    slow = chsh_vs_distance(werner_state(0.98), lengths, 3, gamma_per_s=20.0, fibre_speed_km_per_s=1.0e5)
    assert np.all(np.diff(fast.s_value) < 0)
    assert np.all(slow.s_value[1:] < fast.s_value[1:])


def test_without_memory_noise_distance_changes_nothing():
    r = chsh_vs_distance(werner_state(0.95), [0.0, 100.0, 5000.0], 4, gamma_per_s=0.0)
    np.testing.assert_allclose(r.s_value, 2 * math.sqrt(2) * werner_w(0.95) ** 4, atol=1e-12)


# ------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "call, exc, match",
    [
        pytest.param(lambda: chsh_vs_hops(PHI, [0, 1]), PQMSValueError, "hops must be >= 1, got 0", id="hops-0"),
        pytest.param(
            lambda: chsh_vs_hops(PHI, [[1, 2]]), PQMSValueError, "hops must be an integer or a 1-D", id="hops-2d"
        ),
        pytest.param(
            lambda: chsh_vs_hops(PHI, [1], gate_fidelity=1.5),
            PQMSValueError,
            r"gate_fidelity must be in \[0.0, 1.0\], got 1.5",
            id="gate",
        ),
        pytest.param(
            lambda: chsh_vs_hops(qt.qeye(2) / 2, [1]), DimensionError, "link_state must be a 2-qubit", id="link-dims"
        ),
        pytest.param(
            lambda: chsh_vs_hops(np.eye(4) / 4, [1]),
            PQMSValueError,
            "link_state must be a qutip.Qobj",
            id="link-ndarray",
        ),
        pytest.param(
            lambda: chsh_vs_distance(PHI, [-1.0], gamma_per_s=1.0),
            PQMSValueError,
            "length_km must be >= 0, got -1.0",
            id="length",
        ),
        pytest.param(
            lambda: chsh_vs_distance(PHI, [1.0], 0, gamma_per_s=1.0),
            PQMSValueError,
            "n_links must be >= 1, got 0",
            id="n-links",
        ),
        pytest.param(
            lambda: chsh_vs_distance(PHI, [1.0], gamma_per_s=-1.0),
            PQMSValueError,
            "gamma_per_s must be >= 0, got -1.0",
            id="gamma",
        ),
        pytest.param(
            lambda: chsh_vs_distance(PHI, [1.0], gamma_per_s=1.0, fibre_speed_km_per_s=0.0),
            PQMSValueError,
            "fibre_speed_km_per_s must be > 0, got 0.0",
            id="speed",
        ),
        pytest.param(
            lambda: chsh_vs_distance(qt.qeye([2, 2]) / 2, [1.0], gamma_per_s=1.0),
            PQMSValueError,
            "link_state must have trace 1",
            id="link-trace",
        ),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
