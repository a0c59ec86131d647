"""Exact CHSH: correlators vs qutip.expect, Horodecki S_max vs closed forms vs brute force, optimal settings."""

import math

import numpy as np
import pytest
import qutip as qt
import scipy.optimize
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.chsh import (
    LOCAL_BOUND,
    STANDARD_ANGLES,
    TSIRELSON_BOUND,
    CHSHSettings,
    chsh_value,
    correlation_matrix,
    correlator,
    optimal_settings,
    outcome_table,
)
from pqms_physics.core.noise import dephasing
from pqms_physics.core.states import bell_diagonal_state, bell_state, werner_parameter, werner_state
from pqms_physics.errors import DimensionError, PQMSValueError

PHI = bell_state("phi+")
SQ = [qt.sigmax(), qt.sigmay(), qt.sigmaz()]
# Werner threshold: S_max = 2 sqrt(2) w > 2 iff w > 1/sqrt(2) iff F > (1 + 3/sqrt(2))/4
F_THRESHOLD = (1 + 3 / math.sqrt(2)) / 4


def bloch(theta: float, phi: float) -> np.ndarray:
    """Unit vector from polar angle theta (from +Z) and azimuth phi (from +X)."""
    return np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta)])


def spin(n) -> qt.Qobj:
    """n . sigma as a Qobj, built independently of the module under test."""
    return n[0] * SQ[0] + n[1] * SQ[1] + n[2] * SQ[2]


def expect_correlator(rho: qt.Qobj, a, b) -> float:
    return float(np.real(qt.expect(qt.tensor(spin(a), spin(b)), rho)))


def expect_correlation_matrix(rho: qt.Qobj) -> np.ndarray:
    """T_ij = <sigma_i (x) sigma_j> from nine qutip.expect calls."""
    return np.array([[float(np.real(qt.expect(qt.tensor(si, sj), rho))) for sj in SQ] for si in SQ])


def brute_force_s_max(rho: qt.Qobj, starts: int = 10, seed: int = 2024) -> float:
    """max S over four arbitrary directions (8 spherical angles) by multistart BFGS.

    Uses E(a, b) = a^T T b (linearity of the expectation) with T from qutip.expect; no SVD, no closed form.
    """
    t = expect_correlation_matrix(rho)
    rng = np.random.default_rng(seed)

    def neg_s(x):
        a0, a1, b0, b1 = (bloch(x[2 * k], x[2 * k + 1]) for k in range(4))
        return -(a0 @ t @ b0 + a0 @ t @ b1 + a1 @ t @ b0 - a1 @ t @ b1)

    best = min(
        scipy.optimize.minimize(neg_s, rng.uniform(0, 2 * np.pi, 8), method="BFGS", options={"gtol": 1e-10}).fun
        for _ in range(starts)
    )
    return -best


unit_vectors = st.tuples(st.floats(0, math.pi), st.floats(0, 2 * math.pi)).map(lambda tp: bloch(*tp))
seeds = st.integers(0, 2**32 - 1)


# ------------------------------------------------------------------ Tsirelson, Werner
def test_phi_plus_reaches_tsirelson_at_standard_settings_and_via_s_max():
    assert chsh_value(PHI, settings=STANDARD_ANGLES) == pytest.approx(2 * math.sqrt(2), abs=1e-14)
    assert chsh_value(PHI) == pytest.approx(2 * math.sqrt(2), abs=1e-14)
    assert TSIRELSON_BOUND == pytest.approx(2 * math.sqrt(2), abs=0)


@pytest.mark.parametrize("name", ["phi+", "phi-", "psi+", "psi-"])
def test_every_bell_state_reaches_tsirelson_at_its_optimal_settings(name):
    rho = bell_state(name)
    assert chsh_value(rho) == pytest.approx(2 * math.sqrt(2), abs=1e-13)
    assert chsh_value(rho, settings=optimal_settings(rho)) == pytest.approx(2 * math.sqrt(2), abs=1e-13)


@given(st.floats(0.0, 1.0))
def test_werner_s_max_is_2_sqrt2_times_abs_werner_parameter(f):
    w = (4 * f - 1) / 3
    # T = w diag(1, -1, 1): S_max = 2 sqrt(2) |w| (|w| for F < 1/4, where the correlations flip sign)
    assert chsh_value(werner_state(f)) == pytest.approx(2 * math.sqrt(2) * abs(w), abs=1e-12)


@pytest.mark.parametrize("delta", [1e-9, 1e-6, 1e-3, 0.05])
def test_werner_violates_local_bound_exactly_above_fidelity_threshold(delta):
    assert F_THRESHOLD == pytest.approx(0.7803300858899106, abs=1e-15)
    assert werner_parameter(F_THRESHOLD) == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    above, below = chsh_value(werner_state(F_THRESHOLD + delta)), chsh_value(werner_state(F_THRESHOLD - delta))
    assert above > LOCAL_BOUND > below
    # dS/dF = 2 sqrt(2) * 4/3, so the margin is linear in delta
    assert above - 2 == pytest.approx(8 * math.sqrt(2) / 3 * delta, rel=1e-5)
    assert chsh_value(werner_state(F_THRESHOLD)) == pytest.approx(2.0, abs=1e-14)


# -------------------------------------------------- dephased Phi+: three ways
@pytest.mark.parametrize("gamma, t", [(0.05, 1.0), (0.5, 1.0), (2.0, 0.7), (0.0, 1.0)])
def test_one_qubit_dephased_phi_plus_s_max_closed_form_vs_horodecki_vs_brute_force(gamma, t):
    rho = dephasing(gamma_per_s=gamma, t_s=t).on(0, n=2)(PHI)
    closed = 2 * math.sqrt(1 + math.exp(-4 * gamma * t))  # T = diag(e, -e, 1), e = exp(-2 gamma t)
    assert chsh_value(rho) == pytest.approx(closed, abs=1e-13)
    np.testing.assert_allclose(correlation_matrix(rho), expect_correlation_matrix(rho), atol=1e-14)
    # multistart BFGS converges to ~1e-10 in S on this smooth 8-parameter landscape
    assert brute_force_s_max(rho) == pytest.approx(closed, abs=1e-7)
    assert chsh_value(rho, settings=optimal_settings(rho)) == pytest.approx(closed, abs=1e-13)


@given(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4).filter(lambda v: sum(v) > 1e-3))
def test_bell_diagonal_s_max_uses_the_two_largest_squared_correlations(raw):
    p = np.array(raw) / sum(raw)
    rho = bell_diagonal_state(*p)
    # correlation signs of phi+, psi+, psi-, phi- are diag(1,-1,1), (1,1,-1), (-1,-1,-1), (-1,1,1)
    signs = np.array([[1, -1, 1], [1, 1, -1], [-1, -1, -1], [-1, 1, 1]])
    c = p @ signs
    top2 = np.sort(c**2)[-2:].sum()
    assert chsh_value(rho) == pytest.approx(2 * math.sqrt(top2), abs=1e-12)
    np.testing.assert_allclose(correlation_matrix(rho), np.diag(c), atol=1e-14)


# ------------------------------------------------------------ laws over all states
@given(seeds)
def test_optimal_settings_reach_s_max_for_random_mixed_states(seed):
    rho = random_density_matrix(seed, [2, 2])
    s = optimal_settings(rho)
    assert chsh_value(rho, settings=s) == pytest.approx(chsh_value(rho), abs=1e-12)
    np.testing.assert_allclose(np.linalg.norm(s.matrix(), axis=1), 1.0, atol=1e-14)


@given(seeds, unit_vectors, unit_vectors, unit_vectors, unit_vectors)
def test_no_settings_exceed_s_max_and_s_max_obeys_tsirelson(seed, a0, a1, b0, b1):
    rho = random_density_matrix(seed, [2, 2])
    s_max = chsh_value(rho)
    assert abs(chsh_value(rho, settings=(a0, a1, b0, b1))) <= s_max + 1e-12
    assert 0.0 <= s_max <= TSIRELSON_BOUND + 1e-12


@given(seeds)
def test_product_states_never_violate_the_local_bound(seed):
    rho = qt.tensor(random_density_matrix(seed, [2]), random_density_matrix(seed + 1, [2]))
    # T = r_A r_B^T has rank one, so S_max = 2 |r_A| |r_B| <= 2
    assert chsh_value(rho) <= LOCAL_BOUND + 1e-12


@given(seeds, seeds)
def test_s_max_is_invariant_under_local_unitaries(seed, useed):
    rho = random_density_matrix(seed, [2, 2])
    u = qt.tensor(qt.rand_unitary(2, seed=useed), qt.rand_unitary(2, seed=useed + 1))
    assert chsh_value(u * rho * u.dag()) == pytest.approx(chsh_value(rho), abs=1e-12)


@given(seeds, unit_vectors, unit_vectors)
def test_correlator_matches_qutip_expect_on_random_states(seed, a, b):
    rho = random_density_matrix(seed, [2, 2])
    assert correlator(rho, a, b) == pytest.approx(expect_correlator(rho, a, b), abs=1e-13)
    assert correlator(rho, -a, b) == pytest.approx(-correlator(rho, a, b), abs=1e-13)


@given(st.floats(-10, 10), st.floats(-10, 10))
def test_phi_plus_correlator_is_cos_of_angle_difference_and_singlet_is_minus_dot_product(ta, tb):
    assert correlator(PHI, ta, tb) == pytest.approx(math.cos(ta - tb), abs=1e-13)
    a, b = bloch(ta, tb), bloch(tb, ta)
    assert correlator(bell_state("psi-"), a, b) == pytest.approx(-float(a @ b), abs=1e-13)


@given(st.lists(st.floats(-4, 4), min_size=4, max_size=4))
def test_angles_and_equivalent_bloch_vectors_give_the_same_s(angles):
    rho = werner_state(0.85)
    vecs = [np.array([math.sin(t), 0.0, math.cos(t)]) for t in angles]
    assert chsh_value(rho, settings=angles) == pytest.approx(chsh_value(rho, settings=vecs), abs=1e-13)


# ----------------------------------------------------------------- outcome table
@given(seeds, unit_vectors, unit_vectors, unit_vectors, unit_vectors)
def test_outcome_table_matches_qutip_projectors_and_its_correlators(seed, a0, a1, b0, b1):
    rho = random_density_matrix(seed, [2, 2])
    table = outcome_table(rho, (a0, a1, b0, b1))
    assert table.shape == (4, 4) and table.min() >= 0
    np.testing.assert_allclose(table.sum(axis=1), 1.0, atol=1e-12)
    for k, (a, b) in enumerate([(a0, b0), (a0, b1), (a1, b0), (a1, b1)]):
        for bit_a in (0, 1):
            for bit_b in (0, 1):
                pa = (qt.qeye(2) + (-1) ** bit_a * spin(a)) / 2
                pb = (qt.qeye(2) + (-1) ** bit_b * spin(b)) / 2
                expected = float(np.real(qt.expect(qt.tensor(pa, pb), rho)))
                assert table[k, 2 * bit_a + bit_b] == pytest.approx(expected, abs=1e-13)
        e_k = table[k, 0] - table[k, 1] - table[k, 2] + table[k, 3]
        assert e_k == pytest.approx(expect_correlator(rho, a, b), abs=1e-13)


def test_outcome_table_of_phi_plus_has_exact_zeros_for_anticorrelated_z_outcomes():
    table = outcome_table(PHI, (0.0, 0.0, 0.0, 0.0))  # all settings Z: outcomes 01, 10 impossible
    np.testing.assert_array_equal(table[:, [1, 2]], 0.0)
    np.testing.assert_allclose(table[:, [0, 3]], 0.5, atol=1e-15)


# ----------------------------------------------------------------- settings object
def test_optimal_settings_of_werner_and_dephased_states_lie_in_the_x_z_plane():
    for rho in (werner_state(0.9), dephasing(0.3, 1.0).on(1, n=2)(PHI)):
        s = optimal_settings(rho)
        assert s.in_xz_plane
        assert chsh_value(rho, settings=s.angles) == pytest.approx(chsh_value(rho), abs=1e-12)
    assert set(optimal_settings(werner_state(0.9)).to_dict()) == {"a0", "a1", "b0", "b1"}


def test_settings_with_a_y_component_have_no_x_z_angles():
    s = CHSHSettings.from_any(((0.0, 1.0, 0.0), 0.0, 0.1, 0.2))
    assert not s.in_xz_plane
    with pytest.raises(PQMSValueError, match="X-Z plane"):
        _ = s.angles


# ------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "rho, exc, match",
    [
        pytest.param(np.eye(4) / 4, PQMSValueError, "rho must be a qutip.Qobj", id="ndarray"),
        pytest.param(qt.qeye([2, 2]) / 2, PQMSValueError, "rho must have trace 1", id="trace-2"),
        pytest.param(
            qt.Qobj(np.diag([1.2, -0.2, 0, 0]), dims=[[2, 2], [2, 2]]),
            PQMSValueError,
            "rho must be positive semidefinite",
            id="negative",
        ),
        pytest.param(qt.qeye([2, 2, 2]) / 8, DimensionError, "rho must be a 2-qubit state", id="three-qubits"),
        pytest.param(qt.qeye([3, 3]) / 9, DimensionError, "rho must be a 2-qubit state", id="qutrits"),
    ],
)
def test_non_physical_or_wrong_dims_states_raise_naming_rho(rho, exc, match):
    for call in (
        lambda: chsh_value(rho),
        lambda: correlator(rho, 0.0, 0.0),
        lambda: optimal_settings(rho),
        lambda: outcome_table(rho, STANDARD_ANGLES),
    ):
        with pytest.raises(exc, match=match):
            call()


@pytest.mark.parametrize(
    "a, match",
    [
        pytest.param((0.0, 0.0, 0.5), "a must be a unit Bloch vector .* got norm 0.5", id="short-vector"),
        pytest.param((1.0, 0.0), r"a must be an angle .* got shape \(2,\)", id="two-components"),
        pytest.param(float("nan"), "a must be finite, got nan", id="nan-angle"),
        pytest.param("z", "a must be an angle", id="string"),
        pytest.param((np.inf, 0.0, 0.0), "a must be finite", id="inf-vector"),
    ],
)
def test_bad_directions_raise_naming_the_parameter(a, match):
    with pytest.raises(PQMSValueError, match=match):
        correlator(PHI, a, 0.0)


def test_settings_must_be_four_directions_and_errors_name_the_entry():
    with pytest.raises(PQMSValueError, match="settings must hold 4 directions"):
        chsh_value(PHI, settings=(0.0, 1.0, 2.0))
    with pytest.raises(PQMSValueError, match=r"settings\[2\] \(b0\) must be a unit Bloch vector"):
        chsh_value(PHI, settings=(0.0, 1.0, (0.0, 0.0, 2.0), 0.3))
    with pytest.raises(PQMSValueError, match="settings must be a sequence"):
        chsh_value(PHI, settings=1.0)


# ------------------------------------------------------------------- documentation
