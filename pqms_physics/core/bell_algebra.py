"""Bell-diagonal algebra: Pauli weights, their characters, and swapping as a convolution.

Trusted array kernels (no validation; the public wrappers in
:mod:`pqms_physics.network.swapping`, :mod:`pqms_physics.network.chains` and
:mod:`pqms_physics.network.bounds` validate). Every function broadcasts over leading
axes; the last axis of a weight array has length 4 in the Bell / Pauli order
of :mod:`pqms_physics.conventions` (``phi+, psi+, psi-, phi-`` = ``I, X, Y, Z``
on qubit 1 of ``|Phi+>``).

The group law
-------------
With the indices ``I = 0, X = 1, Y = 2, Z = 3`` the product of two Paulis is,
up to a phase, the Pauli whose index is the bitwise XOR: ``sigma_a sigma_b ~
sigma_{a ^ b}`` (``X Z ~ Y`` is ``1 ^ 3 = 2``). A Pauli on qubit 0 of a Bell
pair equals (up to a phase) the same Pauli on qubit 1, because
``(s (x) I)|Phi+> = (I (x) s^T)|Phi+>`` and ``s^T = +-s``. Hence Pauli errors
of independent sources compose by XOR, and the weights of a product of
independent errors are the XOR convolution of their weights.

Characters
----------
XOR convolution is diagonalised by the 4-point Walsh-Hadamard transform
``chi_s = sum_k (-1)^popcount(s & k) w_k`` (``HADAMARD4``). ``chi_0 = sum w = 1``
and the other three characters are the expectation values of the three
non-trivial Pauli correlators of the Bell-diagonal state. Convolution becomes a
product, ``n``-fold convolution a power: this is what makes chains of 1e4 links
exact and cheap. The Werner parameter is the mean of the three non-trivial
characters, ``w = (4F - 1)/3``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.conventions import ROUNDOFF_ATOL

#: Walsh-Hadamard matrix over Z2 x Z2 with Pauli indices I=0, X=1, Y=2, Z=3:
#: ``HADAMARD4[s, k] = (-1)**popcount(s & k)``; ``HADAMARD4 @ HADAMARD4 = 4 I``.
HADAMARD4 = np.array([[(-1) ** bin(s & k).count("1") for k in range(4)] for s in range(4)], dtype=float)

#: Tolerance below which off-diagonal Bell-basis elements count as zero (fast-path test).
BELL_DIAGONAL_ATOL = ROUNDOFF_ATOL  # off-Bell-diagonal entries below this are roundoff


def characters(weights: np.ndarray) -> np.ndarray:
    """Walsh-Hadamard characters of Pauli weights (last axis), ``chi = HADAMARD4 @ w``."""
    return np.asarray(weights, dtype=float) @ HADAMARD4.T


def from_characters(chars: np.ndarray) -> np.ndarray:
    """Inverse of :func:`characters`: ``w = HADAMARD4 @ chi / 4``."""
    return np.asarray(chars, dtype=float) @ HADAMARD4.T / 4.0


def xor_convolve(w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """Weights of ``sigma_a sigma_b`` with ``a ~ w1``, ``b ~ w2`` independent: ``sum_{a^b=k} w1_a w2_b``."""
    return from_characters(characters(w1) * characters(w2))


def measurement_error_weights(measurement_fidelity: ArrayLike) -> np.ndarray:
    """Pauli weights of the wrong correction caused by misread Bell-measurement bits.

    The Bell measurement reads two bits, each correct with probability ``eta``
    independently (Duer et al. 1999): the *parity* bit (Phi vs Psi) and the
    *phase* bit (+ vs -). A wrong parity bit makes the correction wrong by X,
    a wrong phase bit by Z, both by Y (up to a phase). Weights in the order
    ``I, X, Y, Z``: ``(eta^2, eta(1-eta), (1-eta)^2, eta(1-eta))``.
    """
    eta = np.asarray(measurement_fidelity, dtype=float)
    wrong = 1.0 - eta
    return np.stack([eta * eta, eta * wrong, wrong * wrong, eta * wrong], axis=-1)


def swap_factor(
    gate_fidelity: ArrayLike, measurement_fidelity: ArrayLike, memory_weights: ArrayLike | None = None
) -> np.ndarray:
    """Characters that one noisy swap multiplies into the product of the two input characters.

    ``g_0 = 1`` and, for ``s = 1, 2, 3``,
    ``g_s = p * chi_s(measurement errors) * chi_s(memory)^2``: the Duer gate noise
    replaces the state by ``I/4`` with probability ``1 - p`` (all non-trivial
    characters shrink by ``p``), the misread bits add a Pauli error on the
    corrected qubit, and a Pauli memory channel acts on both outer qubits.
    """
    p = np.asarray(gate_fidelity, dtype=float)
    g = characters(measurement_error_weights(measurement_fidelity))
    if memory_weights is not None:
        g = g * characters(memory_weights) ** 2
    scale = np.stack(np.broadcast_arrays(np.ones_like(p), p, p, p), axis=-1)
    g = g * scale
    g[..., 0] = 1.0  # the trace; exactly 1 (a sum of weights is 1 only to rounding, raised to n - 1 below)
    return g


def swap_weights(
    w1: ArrayLike,
    w2: ArrayLike,
    gate_fidelity: ArrayLike = 1.0,
    measurement_fidelity: ArrayLike = 1.0,
    memory_weights: ArrayLike | None = None,
) -> np.ndarray:
    """Bell weights of the swapped pair for Bell-diagonal inputs (exact)."""
    chars = characters(w1) * characters(w2) * swap_factor(gate_fidelity, measurement_fidelity, memory_weights)
    return from_characters(chars)


def chain_weights(
    link_weights: ArrayLike,
    n_links: ArrayLike,
    gate_fidelity: ArrayLike = 1.0,
    measurement_fidelity: ArrayLike = 1.0,
    memory_weights: ArrayLike | None = None,
    twirl: bool = False,
) -> np.ndarray:
    """Bell weights after sequentially swapping ``n_links`` identical Bell-diagonal links (exact).

    Untwirled: ``chi_n = chi_link**n * g**(n - 1)`` (``g`` from :func:`swap_factor`).
    Twirled (Werner twirl after every swap, none on the bare link): the Werner
    parameter obeys ``w_2 = mean_s(chi_link,s**2 g_s)`` and
    ``w_{n+1} = w_n * mean_s(chi_link,s g_s)``. ``n_links`` (integers >= 1)
    broadcasts against the leading axes of the other arguments.
    """
    lam = characters(link_weights)
    lam[..., 0] = 1.0  # the trace of a state: exactly 1, not the rounded sum of the weights raised to n
    g = swap_factor(gate_fidelity, measurement_fidelity, memory_weights)
    n = np.asarray(n_links, dtype=np.int64)[..., None]
    if not twirl:
        return from_characters(np.power(lam, n) * np.power(g, n - 1))
    w2 = np.mean((lam * lam * g)[..., 1:], axis=-1, keepdims=True)
    step = np.mean((lam * g)[..., 1:], axis=-1, keepdims=True)
    w_n = w2 * np.power(step, np.maximum(n - 2, 0))
    ones = np.ones_like(w_n)
    werner_chars = np.concatenate(np.broadcast_arrays(ones, w_n, w_n, w_n), axis=-1)
    lam_b, werner_b, n_b = np.broadcast_arrays(lam, werner_chars, n)
    return from_characters(np.where(n_b == 1, lam_b, werner_b))


def werner_weights(fidelity: ArrayLike) -> np.ndarray:
    """Bell weights ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` of a Werner state of fidelity ``F``."""
    f = np.asarray(fidelity, dtype=float)
    other = (1.0 - f) / 3.0
    return np.stack([f, other, other, other], axis=-1)


def hashing_yield(weights: ArrayLike) -> np.ndarray:
    """Hashing-bound distillable fraction ``max(0, 1 - H(w))`` (bits) of a Bell-diagonal state.

    ``H`` is the Shannon entropy in bits of the four Bell weights (Bennett,
    DiVincenzo, Smolin, Wootters, PRA 54, 3824 (1996)); this is an achievable
    one-way distillation yield, a lower bound on the distillable entanglement.
    """
    w = np.asarray(weights, dtype=float)  # rounding negatives (~1e-17) contribute nothing below
    safe = np.where(w > 0, w, 1.0)
    entropy = -np.sum(np.where(w > 0, w * np.log2(safe), 0.0), axis=-1)
    return np.maximum(0.0, 1.0 - entropy)


def bell_matrix(rho: np.ndarray) -> np.ndarray:
    """Matrix of a two-qubit operator in the Bell basis, ``B^T rho B`` (``B`` real orthogonal)."""
    from pqms_physics.core.states import (
        BELL_BASIS,  # deferred: states imports QuTiP, the character algebra does not need it
    )

    return BELL_BASIS.T @ np.asarray(rho) @ BELL_BASIS


def bell_diagonal_weights_or_none(rho: np.ndarray, atol: float = BELL_DIAGONAL_ATOL) -> np.ndarray | None:
    """Bell weights of ``rho`` if it is Bell-diagonal within ``atol``, else ``None``."""
    m = bell_matrix(rho)
    off = m - np.diag(np.diag(m))
    if np.abs(off).max() > atol:
        return None
    return np.real(np.diag(m)).copy()


def pauli_weights_of_superop(superop: np.ndarray, atol: float = BELL_DIAGONAL_ATOL) -> np.ndarray | None:
    """Pauli weights ``(p_i, p_x, p_y, p_z)`` of a one-qubit channel, or ``None`` if it is not a Pauli channel.

    Uses the Choi-Jamiolkowski state ``(I (x) E)(|Phi+><Phi+|)``: a channel is a
    Pauli channel exactly when this state is Bell-diagonal, and its Bell weights
    are then the Pauli weights. ``superop`` is 4x4, column stacking.
    """
    choi_state = apply_one_qubit_superop(superop, phi_plus_matrix(), qubit=1)
    return bell_diagonal_weights_or_none(choi_state, atol)


def phi_plus_matrix() -> np.ndarray:
    """``|Phi+><Phi+|`` as a 4x4 real array."""
    from pqms_physics.core.states import BELL_BASIS

    v = BELL_BASIS[:, 0]
    return np.outer(v, v)


def apply_one_qubit_superop(superop: np.ndarray, rho: np.ndarray, qubit: int) -> np.ndarray:
    """Apply a one-qubit superoperator (4x4, column stacking) to qubit 0 or 1 of 4x4 operators (batched)."""
    s = np.asarray(superop).reshape(2, 2, 2, 2)  # s[j', i', j, i]: vec index i + 2j (column stacking)
    r = np.asarray(rho).reshape(rho.shape[:-2] + (2, 2, 2, 2))  # [a, d, a', d']
    if qubit == 0:
        out = np.einsum("WAwa,...adwx->...AdWx", s, r)
    else:
        out = np.einsum("XDxd,...adwx->...aDwX", s, r)
    return out.reshape(rho.shape)


__all__ = [
    "HADAMARD4",
    "BELL_DIAGONAL_ATOL",
    "characters",
    "from_characters",
    "xor_convolve",
    "measurement_error_weights",
    "swap_factor",
    "swap_weights",
    "chain_weights",
    "werner_weights",
    "hashing_yield",
    "bell_matrix",
    "bell_diagonal_weights_or_none",
    "pauli_weights_of_superop",
    "phi_plus_matrix",
    "apply_one_qubit_superop",
]
