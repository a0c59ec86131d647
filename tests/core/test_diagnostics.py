"""Entanglement diagnostics: closed forms, independent QuTiP numerics, and laws over all states.

Oracles written here, independently of pqms_physics.core.diagnostics:
* concurrence from the non-Hermitian product ``rho rho~`` (Wootters, PRL 80, 2245 (1998), eq. 3) with QuTiP's
  ``sigmay``; pure states ``C = 2|ad - bc|`` (Wootters 1998);
* negativity from ``qutip.partial_transpose`` (on either qubit) (Vidal & Werner, PRA 65, 032314 (2002));
* entanglement of formation ``h((1 + sqrt(1 - C^2))/2)`` equals the entropy of entanglement of a pure state;
* coherent information from ``qutip.entropy_vn`` of ``ptrace``;
* Bell-diagonal closed forms (Horodecki et al., RMP 81, 865 (2009)): ``C = max(0, 2 w_max - 1)``,
  ``N = max(0, w_max - 1/2)``, Werner ``C = max(0, (3w - 1)/2)``, ``N = max(0, (3w - 1)/4)``.
"""

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.core import bell_algebra as ba
from pqms_physics.core.diagnostics import (
    bell_diagonal_weights,
    coherent_information,
    concurrence,
    hashing_yield,
    log_negativity,
    negativity,
    werner_parameter,
)
from pqms_physics.core.states import bell_diagonal_from_weights, bell_state, fidelity, werner_state
from pqms_physics.errors import PQMSValueError

EXACT = 1e-10  # eigen-decompositions of 4x4 matrices: roundoff ~1e-15, square roots of ~0 eigenvalues ~1e-8
SQRT_EXACT = 1e-7  # the test oracle takes square roots of eigenvalues that are 0 up to ~1e-16 rounding
YY = qt.tensor(qt.sigmay(), qt.sigmay())


def oracle_concurrence(rho: qt.Qobj) -> float:
    """Wootters: square roots of the eigenvalues of the non-Hermitian rho (Y x Y) rho* (Y x Y), decreasing."""
    m = rho.full()
    tilde = YY.full() @ m.conj() @ YY.full()
    lam = np.sort(np.sqrt(np.abs(np.linalg.eigvals(m @ tilde).real)))[::-1]
    return max(0.0, lam[0] - lam[1] - lam[2] - lam[3])


def oracle_negativity(rho: qt.Qobj, qubit: int = 1) -> float:
    mask = [0, 0]
    mask[qubit] = 1
    ev = qt.partial_transpose(rho, mask).eigenenergies()
    return float(-ev[ev < 0].sum())


def binary_entropy(p: float) -> float:
    return 0.0 if p <= 0 or p >= 1 else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def random_ket(seed: int) -> qt.Qobj:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=4) + 1j * rng.normal(size=4)
    return qt.Qobj((v / np.linalg.norm(v)).reshape(4, 1), dims=[[2, 2], [1]])


def local_unitary(angles) -> qt.Qobj:
    """u(a) x u(b), each an Euler-angle rotation Rz Ry Rz."""

    def u(a, b, c):
        rz, ry = (-0.5j * qt.sigmaz()), (-0.5j * qt.sigmay())
        return (a * rz).expm() * (b * ry).expm() * (c * rz).expm()

    return qt.tensor(u(*angles[:3]), u(*angles[3:]))


def local_kraus_channel(rho: qt.Qobj, qubit: int, kind: str, p: float) -> qt.Qobj:
    """Amplitude damping (gamma = p) or depolarising (keep prob 1 - p) Kraus operators on one qubit."""
    if kind == "amp":
        ks = [qt.Qobj([[1, 0], [0, math.sqrt(1 - p)]]), qt.Qobj([[0, math.sqrt(p)], [0, 0]])]
    else:
        paulis = (qt.sigmax(), qt.sigmay(), qt.sigmaz())
        ks = [math.sqrt(1 - 3 * p / 4) * qt.qeye(2)] + [math.sqrt(p / 4) * s for s in paulis]
    full = [qt.tensor(k, qt.qeye(2)) if qubit == 0 else qt.tensor(qt.qeye(2), k) for k in ks]
    return sum(k * rho * k.dag() for k in full)


seeds = st.integers(0, 2**32 - 1)
weight_vectors = (
    st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4)
    .filter(lambda x: sum(x) > 1e-3)
    .map(lambda x: np.array(x) / sum(x))
)


# ---------------------------------------------------------------- closed forms
@pytest.mark.parametrize("f", [0.0, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0])
def test_werner_state_closed_forms(f):
    w = (4 * f - 1) / 3
    rho = werner_state(f)
    assert concurrence(rho) == pytest.approx(max(0.0, (3 * w - 1) / 2), abs=SQRT_EXACT)
    assert negativity(rho) == pytest.approx(max(0.0, (3 * w - 1) / 4), abs=EXACT)
    assert log_negativity(rho) == pytest.approx(math.log2(max(1.0, 2 * f)), abs=EXACT)
    assert werner_parameter(rho) == pytest.approx(w, abs=EXACT)
    h = -sum(x * math.log2(x) for x in (f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3) if x > 0)
    assert coherent_information(rho) == pytest.approx(1 - h, abs=EXACT)
    assert hashing_yield(rho) == pytest.approx(max(0.0, 1 - h), abs=EXACT)


@pytest.mark.parametrize("seed", range(8))
def test_pure_state_concurrence_is_two_abs_ad_minus_bc(seed):
    psi = random_ket(seed)
    a, b, c, d = psi.full().ravel()
    closed = 2 * abs(a * d - b * c)
    assert concurrence(psi) == pytest.approx(closed, abs=EXACT)
    assert concurrence(qt.ket2dm(psi)) == pytest.approx(closed, abs=EXACT)
    assert negativity(psi) == pytest.approx(closed / 2, abs=EXACT)  # N = sqrt(l1 l2) = C/2 (Schmidt)


@pytest.mark.parametrize("seed", range(6))
def test_entanglement_of_formation_of_pure_state_is_its_entanglement_entropy(seed):
    psi = random_ket(100 + seed)
    c = concurrence(psi)
    eof = binary_entropy((1 + math.sqrt(max(0.0, 1 - c * c))) / 2)  # Wootters 1998, eq. 1-2
    assert eof == pytest.approx(qt.entropy_vn(psi.ptrace(0), base=2), abs=1e-7)


@pytest.mark.parametrize("name", ["phi+", "phi-", "psi+", "psi-"])
def test_bell_states_are_maximally_entangled(name):
    psi = bell_state(name)
    assert concurrence(psi) == pytest.approx(1.0, abs=EXACT)
    assert negativity(psi) == pytest.approx(0.5, abs=EXACT)
    assert log_negativity(psi) == pytest.approx(1.0, abs=EXACT)
    assert coherent_information(psi) == pytest.approx(1.0, abs=EXACT)
    expected = np.eye(4)[["phi+", "psi+", "psi-", "phi-"].index(name)]
    np.testing.assert_allclose(bell_diagonal_weights(psi), expected, atol=EXACT)


@pytest.mark.parametrize("seed", range(6))
def test_separable_mixtures_have_zero_concurrence_and_negativity(seed):
    rng = np.random.default_rng(seed)
    rho = 0
    probs = rng.dirichlet(np.ones(3))
    for p in probs:
        a = random_density_matrix(int(rng.integers(2**31)), [2])
        b = random_density_matrix(int(rng.integers(2**31)), [2])
        rho = rho + p * qt.tensor(a, b)
    assert concurrence(rho) == pytest.approx(0.0, abs=SQRT_EXACT)
    assert negativity(rho) == pytest.approx(0.0, abs=EXACT)
    assert log_negativity(rho) == pytest.approx(0.0, abs=EXACT)


# ---------------------------------------------------------------- independent numerics
@pytest.mark.parametrize("seed", range(10))
def test_general_states_agree_with_independent_oracles(seed):
    rho = random_density_matrix(seed, [2, 2])
    # shrink towards a Bell state so that half the cases are entangled
    rho = 0.5 * rho + 0.5 * qt.ket2dm(bell_state("psi-")) if seed % 2 else rho
    assert concurrence(rho) == pytest.approx(oracle_concurrence(rho), abs=SQRT_EXACT)
    assert negativity(rho) == pytest.approx(oracle_negativity(rho, 1), abs=EXACT)
    assert negativity(rho) == pytest.approx(oracle_negativity(rho, 0), abs=EXACT)
    trace_norm = qt.partial_transpose(rho, [1, 0]).norm("tr")
    assert log_negativity(rho) == pytest.approx(math.log2(trace_norm), abs=EXACT)
    ic = qt.entropy_vn(rho.ptrace(1), base=2) - qt.entropy_vn(rho, base=2)
    assert coherent_information(rho) == pytest.approx(ic, abs=EXACT)
    assert werner_parameter(rho) == pytest.approx((4 * fidelity(rho, bell_state("phi+")) - 1) / 3, abs=EXACT)


@pytest.mark.parametrize("seed", range(5))
def test_bell_weights_are_the_weights_of_the_pauli_twirl(seed):
    rho = random_density_matrix(seed, [2, 2])
    paulis = [qt.qeye(2), qt.sigmax(), qt.sigmay(), qt.sigmaz()]
    twirled = sum(qt.tensor(s, s.conj()) * rho * qt.tensor(s, s.conj()).dag() for s in paulis) / 4
    w = bell_diagonal_weights(rho)
    np.testing.assert_allclose(twirled.full(), bell_diagonal_from_weights(w).full(), atol=EXACT)
    assert hashing_yield(rho) == pytest.approx(float(ba.hashing_yield(w)), abs=EXACT)


@given(weight_vectors)
def test_bell_weight_closed_forms_agree_with_the_density_matrix(w):
    rho = bell_diagonal_from_weights(w)
    assert concurrence(w) == pytest.approx(concurrence(rho), abs=SQRT_EXACT)
    assert negativity(w) == pytest.approx(oracle_negativity(rho), abs=EXACT)
    assert log_negativity(w) == pytest.approx(log_negativity(rho), abs=EXACT)
    assert coherent_information(w) == pytest.approx(coherent_information(rho), abs=1e-9)
    assert werner_parameter(w) == pytest.approx(werner_parameter(rho), abs=EXACT)
    assert hashing_yield(w) == pytest.approx(max(0.0, coherent_information(rho)), abs=1e-9)


def test_weight_arrays_broadcast_over_leading_axes():
    f = np.linspace(0.3, 1.0, 6).reshape(2, 3)
    w = ba.werner_weights(f)
    np.testing.assert_allclose(concurrence(w), np.maximum(0, 2 * f - 1), atol=1e-15)
    np.testing.assert_allclose(negativity(w), np.maximum(0, f - 0.5), atol=1e-15)
    np.testing.assert_allclose(werner_parameter(w), (4 * f - 1) / 3, atol=1e-15)
    assert hashing_yield(w).shape == (2, 3)


# ---------------------------------------------------------------- laws
@given(seeds, st.lists(st.floats(-math.pi, math.pi), min_size=6, max_size=6))
def test_diagnostics_are_invariant_under_local_unitaries(seed, angles):
    rho = 0.6 * random_density_matrix(seed, [2, 2]) + 0.4 * qt.ket2dm(bell_state("phi+"))
    u = local_unitary(angles)
    moved = u * rho * u.dag()
    assert concurrence(moved) == pytest.approx(concurrence(rho), abs=SQRT_EXACT)
    assert negativity(moved) == pytest.approx(negativity(rho), abs=EXACT)
    assert coherent_information(moved) == pytest.approx(coherent_information(rho), abs=1e-9)


@given(seeds, st.floats(0.0, 1.0))
def test_ranges_and_the_negativity_concurrence_bound(seed, mix):
    rho = mix * random_density_matrix(seed, [2, 2]) + (1 - mix) * qt.ket2dm(random_ket(seed))
    c, n = concurrence(rho), negativity(rho)
    assert -SQRT_EXACT <= c <= 1 + EXACT
    assert -EXACT <= n <= 0.5 + EXACT
    assert -1 - EXACT <= coherent_information(rho) <= 1 + EXACT
    # ||rho^Gamma||_1 - 1 <= C for two qubits (Verstraete, Audenaert, Dehaene, De Moor, J. Phys. A 34, 10327 (2001))
    assert 2 * n <= c + SQRT_EXACT


@given(seeds, st.integers(0, 1), st.sampled_from(["amp", "dep"]), st.floats(0.0, 1.0))
def test_local_channels_never_increase_negativity_or_concurrence(seed, qubit, kind, p):
    rho = 0.5 * random_density_matrix(seed, [2, 2]) + 0.5 * qt.ket2dm(random_ket(seed + 1))
    out = local_kraus_channel(rho, qubit, kind, p)
    assert negativity(out) <= negativity(rho) + EXACT
    assert concurrence(out) <= concurrence(rho) + SQRT_EXACT


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "weights, match",
    [
        pytest.param([0.5, 0.5, 0.1, -0.1], r"rho must be >= 0, got -0.1", id="negative"),
        pytest.param([0.5, 0.2, 0.2, 0.2], r"rho must sum to 1", id="sum"),
        pytest.param([0.5, 0.5, 0.0], r"rho must have a last axis of length 4", id="shape"),
        pytest.param(0.5, r"rho must have a last axis of length 4", id="scalar"),
        pytest.param([0.5, np.nan, 0.0, 0.5], r"rho must be finite", id="nan"),
    ],
)
def test_bad_weights_are_rejected_naming_the_parameter(weights, match):
    with pytest.raises(PQMSValueError, match=match):
        concurrence(weights)


def test_hashing_yield_names_its_parameter():
    with pytest.raises(PQMSValueError, match="weights must sum to 1"):
        hashing_yield([0.9, 0.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "fn", [concurrence, negativity, log_negativity, coherent_information, werner_parameter, bell_diagonal_weights]
)
def test_states_that_are_not_two_qubit_density_matrices_are_rejected(fn):
    with pytest.raises(PQMSValueError, match="rho must be a 2-qubit state"):
        fn(qt.maximally_mixed_dm(2))
    with pytest.raises(PQMSValueError, match="rho must have trace 1"):
        fn(qt.Qobj(np.eye(4) / 2, dims=[[2, 2], [2, 2]]))
    with pytest.raises(PQMSValueError, match="rho must be positive semidefinite"):
        fn(qt.Qobj(np.diag([1.5, -0.5, 0, 0]), dims=[[2, 2], [2, 2]]))


def test_bell_diagonal_weights_needs_a_state():
    with pytest.raises(PQMSValueError, match="rho must be a qutip.Qobj"):
        bell_diagonal_weights([1.0, 0.0, 0.0, 0.0])
