"""Closed-form DEJMPS and BBPSSW maps on Bell-diagonal weights (trusted array kernels, vectorised).

Conventions (:mod:`pqms_physics.conventions`): Bell weights lie on the last axis in the order
``phi+, psi+, psi-, phi-`` = Pauli ``I, X, Y, Z`` on qubit 1 (Bob) of ``|Phi+>``; the target state is
``|Phi+>``. Pair 1 (qubits A1, B1) is kept, pair 2 (A2, B2) is measured; Alice holds A1, A2, Bob B1, B2.

Derivation
----------
Write a Pauli index as its bits ``(x, z)``: ``I = (0, 0)``, ``X = (1, 0)``, ``Y = (1, 1)``, ``Z = (0, 1)``.

1. **Rotation** (DEJMPS only). Alice's ``R_x(pi/2)`` and Bob's ``R_x(-pi/2)`` act on a Bell pair as
   ``I (x) R_x(-pi/2) sigma R_x(-pi/2)^dag`` on Bob's side (``R_x^T = R_x``), which fixes ``I, X`` and
   exchanges ``Y <-> Z``: the weights ``(A, B, C, D)`` become ``(A, B, D, C)``.
2. **Bilateral CNOT** (pair 1 control, pair 2 target). Conjugating Bob's Pauli errors through the CNOT copies
   the control's X bit onto the target and the target's Z bit onto the control:
   ``x_2 <- x_2 ^ x_1``, ``z_1 <- z_1 ^ z_2``. Pair 1 ends as ``(x_1, z_1 ^ z_2)``.
3. **Gate noise** (Duer et al. 1999): each CNOT is followed by ``rho -> p2 rho + (1 - p2) tr(rho) I/4`` on its
   two qubits. A full depolarisation of Alice's (or Bob's) two qubits makes the joint Bell index of the two
   pairs uniform (1/16 each), so the joint distribution is ``p2^2 P + (1 - p2^2)/16``.
4. **Noisy readout**: both measure pair 2 in Z; outcomes agree exactly when ``x_2 = 0``. Each bit is
   misreported with probability ``1 - eta``, so the *reported* bits disagree with the true parity with
   probability ``eps = 2 eta (1 - eta)``. The pair is kept when the reported bits agree.

Hence, with ``(a, b, c, d)`` the (rotated) weights of ``I, X, Y, Z`` and ``s = p2^2``, the unnormalised output
weights are ``o = s ((1 - eps) M0 + eps M1) + (1 - s)/8``, with (true parity even / odd)::

    M0 = (a1 a2 + d1 d2, b1 b2 + c1 c2, b1 c2 + c1 b2, a1 d2 + d1 a2)
    M1 = (a1 b2 + d1 c2, b1 a2 + c1 d2, b1 d2 + c1 a2, a1 c2 + d1 b2)

the success probability is ``sum(o)`` and the kept pair's weights are ``o / sum(o)``. With perfect operations
and Deutsch's labels ``A = phi+, B = psi-, C = psi+, D = phi-`` this is the published map
``A' = (A^2 + B^2)/N, B' = 2CD/N, C' = (C^2 + D^2)/N, D' = 2AB/N``, ``N = (A + B)^2 + (C + D)^2``.

References
----------
D. Deutsch, A. Ekert, R. Jozsa, C. Macchiavello, S. Popescu, A. Sanpera, Phys. Rev. Lett. 77, 2818 (1996).
C. H. Bennett, G. Brassard, S. Popescu, B. Schumacher, J. A. Smolin, W. K. Wootters, Phys. Rev. Lett. 76, 722
(1996). W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.conventions import PROB_SUM_ATOL, ROUNDOFF_ATOL
from pqms_physics.errors import PQMSValueError
from pqms_physics.validation import real_array

#: Index map of the DEJMPS rotation on Bell weights: ``rotated = w[..., ROTATION]`` (psi- <-> phi-).
ROTATION = np.array([0, 1, 3, 2])


def check_weights(name: str, weights: ArrayLike, columns: bool = False) -> np.ndarray:
    """Bell weights (last axis of length 4) that are >= 0 and sum to 1, or raise naming ``name``.

    Negative entries down to ``-ROUNDOFF_ATOL`` (rounding of exact maps) are accepted as given, not clipped.
    Returns the weights as a float array, or with ``columns=True`` as the C-contiguous array of shape (4, ...)
    that the kernels work on (the checks run on it: contiguous columns are much faster to reduce).
    """
    arr = real_array(name, weights)
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise PQMSValueError(
            f"{name} must be Bell weights with a last axis of length 4 (phi+, psi+, psi-, phi-), got shape {arr.shape}"
        )
    cols = np.ascontiguousarray(np.moveaxis(arr, -1, 0))
    low = cols.min()
    if low < -ROUNDOFF_ATOL:
        raise PQMSValueError(f"{name} must have entries >= 0, got {low}")
    total = cols[0] + cols[1]
    total += cols[2]
    total += cols[3]
    total -= 1.0
    bad = np.abs(total) > PROB_SUM_ATOL
    if bad.any():
        raise PQMSValueError(
            f"{name} must sum to 1 over its last axis (within {PROB_SUM_ATOL}), "
            f"got {np.atleast_1d(total)[np.atleast_1d(bad)][0] + 1.0!r}"
        )
    return cols if columns else arr


def misread_parity_probability(measurement_fidelity: ArrayLike) -> np.ndarray:
    """``eps = 2 eta (1 - eta)``: probability that the two reported bits have the wrong parity."""
    eta = np.asarray(measurement_fidelity, dtype=float)
    return 2.0 * eta * (1.0 - eta)


def _unnormalised_columns(
    w1: np.ndarray,
    w2: np.ndarray,
    gate_fidelity: float,
    measurement_fidelity: float,
    rotate: bool,
    columns: bool = False,
) -> np.ndarray:
    """The four output weights ``o_k`` as a C-contiguous array of shape (4, ...) (see the module docstring).

    With ``columns=True`` the inputs are already (4, ...) arrays (as from ``check_weights(..., columns=True)``).

    Works on contiguous columns with in-place products: strided column access and temporaries dominate the
    cost of this map on large batches.
    """
    if columns:
        t1, t2 = w1, w2
    else:
        t1 = np.ascontiguousarray(np.moveaxis(np.asarray(w1, dtype=float), -1, 0))
        t2 = t1 if w2 is w1 else np.ascontiguousarray(np.moveaxis(np.asarray(w2, dtype=float), -1, 0))
    c_idx, d_idx = (3, 2) if rotate else (2, 3)
    a1, b1, c1, d1 = t1[0], t1[1], t1[c_idx], t1[d_idx]
    a2, b2, c2, d2 = t2[0], t2[1], t2[c_idx], t2[d_idx]
    s = float(gate_fidelity) ** 2
    eps = float(misread_parity_probability(measurement_fidelity))
    keep, flip, floor = s * (1.0 - eps), s * eps, (1.0 - s) / 8.0
    shape = np.broadcast_shapes(a1.shape, a2.shape)
    # o_k = keep * M0_k + flip * M1_k + floor, factored by pair 1's weights (module docstring):
    # o0 = a1 P + d1 Q, o3 = a1 Q + d1 P, o1 = b1 R + c1 S, o2 = b1 S + c1 R with
    # P = keep a2 + flip b2, Q = keep d2 + flip c2, R = keep b2 + flip a2, S = keep c2 + flip d2.
    mixed = []
    for x, y in ((a2, b2), (d2, c2), (b2, a2), (c2, d2)):
        m = np.multiply(x, keep)
        if flip:
            m += flip * y
        mixed.append(m)
    p, q, r, t = mixed
    out = np.empty((4,) + shape)
    tmp = np.empty(shape)
    for k, (x1, x, y1, y) in enumerate(((a1, p, d1, q), (b1, r, c1, t), (b1, t, c1, r), (a1, q, d1, p))):
        o = out[k, ...]  # a view, also for a single weight vector (0-d)
        np.multiply(x1, x, out=o)
        np.multiply(y1, y, out=tmp)
        o += tmp
        if floor:
            o += floor
    return out


def recurrence_unnormalised(
    w1: np.ndarray, w2: np.ndarray, gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0, rotate: bool = True
) -> np.ndarray:
    """Unnormalised kept weights ``o`` (..., 4) of one purification step; ``sum(o)`` is the success probability.

    ``rotate=True`` is DEJMPS, ``rotate=False`` the bare bilateral CNOT of BBPSSW (no twirl here).
    Broadcasts over leading axes; ``gate_fidelity`` and ``measurement_fidelity`` are scalars; trusted inputs.
    """
    return np.moveaxis(_unnormalised_columns(w1, w2, gate_fidelity, measurement_fidelity, rotate), 0, -1)


def dejmps_weights(
    w1: np.ndarray, w2: np.ndarray, gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0, columns: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """DEJMPS on Bell weights: ``(kept weights (..., 4), success probability (...))``. Trusted inputs.

    ``columns=True``: ``w1``, ``w2`` are given as (4, ...) arrays (the output is still (..., 4)).
    """
    out = _unnormalised_columns(w1, w2, gate_fidelity, measurement_fidelity, rotate=True, columns=columns)
    success = out[0] + out[1]
    success += out[2]
    success += out[3]
    with np.errstate(invalid="ignore", divide="ignore"):  # success 0 is reported by the public wrapper
        out /= success
    return np.moveaxis(out, 0, -1), success


def werner_from_fidelity(fidelity: ArrayLike) -> np.ndarray:
    """Werner weights ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` (trusted)."""
    f = np.asarray(fidelity, dtype=float)
    other = (1.0 - f) / 3.0
    return np.stack(np.broadcast_arrays(f, other, other, other), axis=-1)


def bbpssw_fidelity(
    f1: ArrayLike, f2: ArrayLike, gate_fidelity: ArrayLike = 1.0, measurement_fidelity: ArrayLike = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """BBPSSW on Werner fidelities: ``(output fidelity, success probability)`` (output twirled to Werner).

    With perfect operations ``F' = (F1 F2 + q1 q2) / (F1 F2 + F1 q2 + q1 F2 + 5 q1 q2)``, ``q = (1 - F)/3``.
    """
    o = recurrence_unnormalised(
        werner_from_fidelity(f1), werner_from_fidelity(f2), gate_fidelity, measurement_fidelity, rotate=False
    )
    success = o.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return o[..., 0] / success, success


__all__ = [
    "ROTATION",
    "check_weights",
    "misread_parity_probability",
    "recurrence_unnormalised",
    "dejmps_weights",
    "werner_from_fidelity",
    "bbpssw_fidelity",
]
