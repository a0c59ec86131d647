"""An independent truncated Fock-space model of a type-II SPDC source (two two-mode squeezed vacua) measured
by threshold detectors, behind polarisers or behind polarising beam splitters: the oracle of the SPDC closed
forms in pqms_physics.network.sources (tests/network/test_sources.py, tests/network/test_bounds.py).

Nothing here imports the package's SPDC formulas."""

import numpy as np


# One side (Alice or Bob) holds two modes H, V; its Fock basis |nH, nV> is indexed nH * (n_max + 1) + nV.
# Only n1 + n2 <= n_max is kept, so each side has at most n_max photons and every operator that
# conserves a side's photon number (polariser rotations, number operators) is exact within the cutoff.
def two_tmsv_state(lam: float, n_max: int):
    """Nonzero amplitudes of TMSV(a_H, b_V) x TMSV(a_V, b_H), the second with sign (-1)^n:
    (alice indices, bob indices, amplitudes) of |n1, n2>_A |n2, n1>_B."""
    d = n_max + 1
    c = np.sqrt(lam / (1 + lam)) ** np.arange(d) / np.sqrt(1 + lam)  # TMSV amplitudes tanh^n r / cosh r
    alice, bob, amp = [], [], []
    for n1 in range(d):
        for n2 in range(d - n1):
            alice.append(n1 * d + n2)
            bob.append(n2 * d + n1)
            amp.append(c[n1] * c[n2] * (-1) ** n2)
    return np.array(alice), np.array(bob), np.array(amp)


def no_click_operator(theta: float, eta: float, n_max: int, both_modes: bool = False) -> np.ndarray:
    """(1 - eta)^n for the mode cos(theta) a_H + sin(theta) a_V passed by a polariser (or for all photons
    of the side), built block by block of fixed side photon number N from the Fock matrix elements
    <nH+1, nV-1| a_H^+ a_V |nH, nV> = sqrt((nH + 1) nV) and diagonalised numerically."""
    d = n_max + 1
    op = np.zeros((d * d, d * d))
    c, s = np.cos(theta), np.sin(theta)
    for total in range(d):
        idx = np.array([nh * d + (total - nh) for nh in range(total + 1)])
        if both_modes:
            block = np.eye(total + 1) * (1 - eta) ** total
        else:
            n_theta = np.diag([c * c * nh + s * s * (total - nh) for nh in range(total + 1)])
            for nh in range(total):
                hop = c * s * np.sqrt((nh + 1) * (total - nh))  # a_H^+ a_V: (nh, total-nh) -> (nh+1, ...)
                n_theta[nh + 1, nh] = n_theta[nh, nh + 1] = hop
            ev, vec = np.linalg.eigh(n_theta)
            block = (vec * np.power(1 - eta, np.clip(np.round(ev), 0, None))) @ vec.T
        op[np.ix_(idx, idx)] = block
    return op


def expect(state, op_a, op_b):
    """<psi| A (x) B |psi> for the sparse amplitudes of :func:`two_tmsv_state`."""
    alice, bob, amp = state
    return float(amp @ (op_a[np.ix_(alice, alice)] * op_b[np.ix_(bob, bob)]) @ amp)


def fock_coincidence(lam, eta, theta_a, theta_b, n_max, both_modes=False):
    state = two_tmsv_state(lam, n_max)
    ident = np.eye((n_max + 1) ** 2)
    na = no_click_operator(theta_a, eta, n_max, both_modes)
    nb = no_click_operator(theta_b, eta, n_max, both_modes)
    norm = expect(state, ident, ident)  # 1 minus the truncated tail
    return norm - expect(state, na, ident) - expect(state, ident, nb) + expect(state, na, nb)


def cutoff(lam):
    """Per-side cutoff with dropped probability (~n t^(n+1), t = lam/(1+lam)) below 1e-14."""
    t = lam / (1 + lam)
    n = 4
    while (n + 2) * t ** (n + 1) > 1e-14:
        n += 1
    return n


def pbs_click_povm(theta: float, eta: float, n_max: int):
    """One side's polarising beam splitter in the basis (theta, theta + pi/2) with a threshold detector on
    each output: POVM elements (only the theta output clicks, only the other clicks, both click)."""
    n_a = no_click_operator(theta, eta, n_max)
    n_b = no_click_operator(theta + np.pi / 2, eta, n_max)
    ident = np.eye(n_a.shape[0])
    return (ident - n_a) @ n_b, n_a @ (ident - n_b), (ident - n_a) @ (ident - n_b)


def pbs_gain_and_error(lam: float, eta: float, theta: float, n_max: int):
    """(Q, E Q) of the PBS setup with both sides in the basis theta: Q = P(both sides click), E Q = P(bits
    differ after Bob's flip) = P(same raw outcome) + 1/2 P(a double click on either side, both clicking); the
    native one-pair state |Psi-> is anticorrelated in every basis, so equal raw outcomes are errors."""
    state = two_tmsv_state(lam, n_max)
    a0, a1, ad = pbs_click_povm(theta, eta, n_max)
    b0, b1, bd = pbs_click_povm(theta, eta, n_max)
    a_any, b_any = a0 + a1 + ad, b0 + b1 + bd
    gain = expect(state, a_any, b_any)
    same = expect(state, a0, b0) + expect(state, a1, b1)
    double = expect(state, ad, b_any) + expect(state, a0 + a1, bd)
    return gain, same + 0.5 * double
