"""Protocol units: BBPSSW distillation against density matrices, unit sequences against closed forms."""

import math

import numpy as np
import pytest

from pqms_physics.network.protocols import units as U
from pqms_physics.network.protocols.exact import finish, unit_sequence
from pqms_physics.network.protocols.spec import ProtocolSpec

PHI_PLUS = np.array([1, 0, 0, 1]) / math.sqrt(2)


def _werner(w):
    return w * np.outer(PHI_PLUS, PHI_PLUS) + (1 - w) * np.eye(4) / 4


def _bbpssw_density_matrix(w1, w2):
    """Bilateral CNOT (pair 1 controls pair 2), measure pair 2 in Z on both sides, keep equal outcomes.

    Qubit order A1 B1 A2 B2. Returns (success probability, fidelity of the kept pair 1 with Phi+).
    """
    rho = np.kron(_werner(w1), _werner(w2))

    def cnot(c, t):
        u = np.zeros((16, 16))
        for i in range(16):
            bits = [(i >> (3 - k)) & 1 for k in range(4)]
            if bits[c]:
                bits[t] ^= 1
            u[sum(b << (3 - k) for k, b in enumerate(bits)), i] = 1
        return u

    u = cnot(0, 2) @ cnot(1, 3)  # A1 -> A2 and B1 -> B2
    rho = u @ rho @ u.T
    rho = rho.reshape(4, 4, 4, 4)  # (pair1, pair2, pair1', pair2')
    kept = rho[:, 0, :, 0] + rho[:, 3, :, 3]  # pair-2 outcomes 00 and 11
    p = np.trace(kept).real
    return p, float(PHI_PLUS @ kept @ PHI_PLUS / p)


@pytest.mark.parametrize("w1, w2", [(1.0, 1.0), (0.9, 0.9), (0.8, 0.6), (0.5, 0.95), (0.0, 0.0)])
def test_bbpssw_werner_formula_matches_density_matrix_simulation(w1, w2):
    # Bennett et al., PRL 76, 722 (1996) on Werner inputs (twirled output): p = (1 + w1 w2)/2,
    # w' = (w1 + w2 + 4 w1 w2) / (3 (1 + w1 w2)); as used in units.distil_attempt.
    p, f = _bbpssw_density_matrix(w1, w2)
    assert p == pytest.approx((1 + w1 * w2) / 2, abs=1e-12)
    assert (4 * f - 1) / 3 == pytest.approx((w1 + w2 + 4 * w1 * w2) / (3 * (1 + w1 * w2)), abs=1e-12)


def test_distil_unit_deterministic_inputs_gives_formula():
    # Both links ready in round 1 (a = delta_1): one attempt succeeds with p, restarts after failure.
    n, w = 40, 0.8
    a = np.zeros(n)
    a[1] = 1.0
    s, f, ws = U.distil_attempt(a, w * a, n, cutoff=math.inf, r=1.0)
    p = (1 + w * w) / 2
    assert s[1] == pytest.approx(p) and f[1] == pytest.approx(1 - p)
    assert ws[1] / s[1] == pytest.approx((2 * w + 4 * w * w) / (3 * (1 + w * w)))
    pmf, wpmf = U.renewal(s, f, ws, n)
    t = np.arange(n)
    np.testing.assert_allclose(pmf[1:], p * (1 - p) ** (t[1:] - 1.0), atol=1e-15)  # Geometric(p) in rounds


@pytest.mark.parametrize("p, tc", [(0.4, 10.0), (0.1, 100.0)])
def test_distil_of_two_elementary_links_matches_sum_over_waiting_gap(p, tc):
    # Gap d = |t1 - t2| with P(d=0) = p/(2-p), P(d=k) = 2 p q^k/(2-p); older link decays to w0 r^d.
    # Attempt ends at max(t1, t2) (E = (3-2p)/(p(2-p))) and succeeds with E[(1 + w0^2 r^d)/2]:
    # E[T] = E[max] / P(success); E[w] = E[(w0 r^d + w0 + 4 w0^2 r^d)/6] / P(success).
    w0, q, r = 0.9, 1 - p, math.exp(-1 / tc)
    ks = np.arange(0, 5000)
    pd = np.where(ks == 0, p / (2 - p), 2 * p * q**ks / (2 - p))
    succ = np.sum(pd * (1 + w0**2 * r**ks) / 2)
    wsum = np.sum(pd * (w0 * r**ks + w0 + 4 * w0**2 * r**ks) / 6)
    a, b = U.geometric_link(p, w0, 400)
    pmf, wpmf, _, _ = unit_sequence(a, b, [("distil", math.inf)], coherence_time=tc, cap=1 << 20)
    res = finish(ProtocolSpec(2, p), pmf, wpmf, None)
    assert res.mean_time == pytest.approx((3 - 2 * p) / (p * (2 - p)) / succ, rel=1e-10)
    assert res.mean_werner == pytest.approx(wsum / succ, rel=1e-10)


def test_swap_then_distil_sequence_raises_fidelity_over_swap_alone():
    # Distilling two swapped pairs (w ~ 0.9^2) improves w: BBPSSW raises w whenever w > ~0.31 without decay.
    a, b = U.geometric_link(0.5, 0.9, 200)
    swap = [("swap", 1.0, math.inf, None)]
    p1, w1, _, _ = unit_sequence(a, b, swap, coherence_time=math.inf, cap=1 << 20)
    p2, w2, _, _ = unit_sequence(a, b, swap + [("distil", math.inf)], coherence_time=math.inf, cap=1 << 20)
    assert w2.sum() / p2.sum() > w1.sum() / p1.sum() + 0.01
    assert p2.sum() == pytest.approx(1.0, abs=1e-12)


def test_series_inverse_matches_direct_division():
    rng = np.random.default_rng(4)
    f = np.concatenate([[0.0], rng.uniform(0, 1, 299)])
    f *= 0.9 / f.sum()
    g = U.series_inverse(np.concatenate([[1.0], -f[1:]]), 300)
    direct = np.zeros(300)  # g[t] = [t == 0] + sum_u f[u] g[t - u]
    for t in range(300):
        direct[t] = (t == 0) + sum(f[u] * direct[t - u] for u in range(1, t + 1))
    np.testing.assert_allclose(g, direct, atol=1e-14)


@pytest.mark.parametrize("p2, eta", [(1.0, 1.0), (0.99, 0.98), (0.95, 0.9)])
def test_noisy_distil_unit_on_deterministic_inputs_is_the_purification_map(p2, eta):
    # Both links ready in round 1 with Werner w: the unit must reproduce noisy BBPSSW (Duer et al. 1999) as
    # computed by the purification module's closed form on Werner fidelities (an independent implementation).
    from pqms_physics.network.purification import bbpssw
    from pqms_physics.network.purification.unit import bbpssw_werner_coefficients

    n, w = 40, 0.8
    a = np.zeros(n)
    a[1] = 1.0
    coeffs = bbpssw_werner_coefficients(p2, eta)
    s, f, ws = U.distil_attempt(a, w * a, n, cutoff=math.inf, r=1.0, coefficients=coeffs)
    ref = bbpssw((1 + 3 * w) / 4, gate_fidelity=p2, measurement_fidelity=eta)
    assert s[1] == pytest.approx(ref.success_probability, abs=1e-12)
    assert (1 + 3 * ws[1] / s[1]) / 4 == pytest.approx(ref.fidelity, abs=1e-12)  # Werner w -> fidelity
    assert f[1] == pytest.approx(1 - ref.success_probability, abs=1e-12)


def test_distil_unit_with_perfect_coefficients_equals_the_closed_form_through_the_engine():
    from pqms_physics.network.purification.unit import bbpssw_werner_coefficients

    a, b = U.geometric_link(0.3, 0.9, 400)
    perfect = unit_sequence(a, b, [("distil", math.inf)], coherence_time=50.0, cap=1 << 20)
    coeffs = unit_sequence(a, b, [("distil", math.inf, bbpssw_werner_coefficients())], coherence_time=50.0, cap=1 << 20)
    for x, y in zip(perfect[:2], coeffs[:2]):
        np.testing.assert_allclose(x, y, atol=1e-15)
