"""Entanglement diagnostics of two-qubit states: concurrence, negativity, coherent information, Bell weights.

Every public function takes either a two-qubit state (a ``qutip.Qobj`` ket or density matrix, validated by
:func:`~pqms_physics.core.states.as_density_matrix`) or, where a closed form exists, Bell-diagonal weights
(array_like whose last axis has length 4 in the Bell order ``phi+, psi+, psi-, phi-`` of
:mod:`pqms_physics.conventions`; leading axes broadcast and the result has their shape). A state gives a
float. The array kernels ``*_of_matrices`` (batched over leading axes of ``(..., 4, 4)`` arrays, no
validation) are what :mod:`pqms_physics.tomography` uses on many bootstrap states at once.

Closed forms on Bell-diagonal weights ``w`` (Horodecki et al. 2009, section on Bell-diagonal states):

* concurrence ``C = max(0, 2 max_k w_k - 1)``;
* the partial transpose has eigenvalues ``1/2 - w_k``, so ``||rho^Gamma||_1 = max(1, 2 max_k w_k)`` and the
  negativity is ``max(0, max_k w_k - 1/2)``;
* coherent information ``S(B) - S(AB) = 1 - H(w)`` (bits), the hashing yield is its positive part.

References
----------
.. [1] W. K. Wootters, "Entanglement of formation of an arbitrary state of two qubits", PRL 80, 2245 (1998).
.. [2] G. Vidal and R. F. Werner, "Computable measure of entanglement", PRA 65, 032314 (2002).
.. [3] R. Horodecki, P. Horodecki, M. Horodecki, K. Horodecki, "Quantum entanglement", RMP 81, 865 (2009).
.. [4] C. H. Bennett, D. P. DiVincenzo, J. A. Smolin, W. K. Wootters, "Mixed-state entanglement and quantum
       error correction", PRA 54, 3824 (1996).
.. [5] I. Devetak and A. Winter, "Distillation of secret key and entanglement from quantum states",
       Proc. R. Soc. A 461, 207 (2005).
"""

from __future__ import annotations

import numpy as np
import qutip as qt
from numpy.typing import ArrayLike

from pqms_physics.conventions import PROB_SUM_ATOL, ROUNDOFF_ATOL
from pqms_physics.core import bell_algebra as ba
from pqms_physics.core.states import BELL_BASIS, as_density_matrix, bell_weights
from pqms_physics.errors import PQMSValueError
from pqms_physics.validation import real_array

#: ``Y (x) Y`` (real): the spin flip of Wootters' ``rho~ = (Y (x) Y) rho* (Y (x) Y)``.
SIGMA_YY = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=float)
#: ``|Phi+>`` in the computational basis.
PHI_PLUS = BELL_BASIS[:, 0].copy()


# ------------------------------------------------------------------ trusted array kernels (batched, no checks)
def _psd_sqrt(mats: np.ndarray) -> np.ndarray:
    """Square root of Hermitian PSD matrices (eigenvalues below zero by rounding count as zero)."""
    vals, vecs = np.linalg.eigh(mats)
    root = np.sqrt(np.maximum(vals, 0.0))
    return (vecs * root[..., None, :]) @ np.conj(np.swapaxes(vecs, -1, -2))


def concurrence_of_matrices(mats: np.ndarray) -> np.ndarray:
    """Wootters concurrence of ``(..., 4, 4)`` density matrices: ``max(0, l1 - l2 - l3 - l4)``.

    ``l_i`` are the decreasing eigenvalues of ``R = sqrt(sqrt(rho) rho~ sqrt(rho))``, i.e. the singular values
    of ``A = sqrt(rho) (Y (x) Y) sqrt(rho)*`` (``A A^dagger = sqrt(rho) rho~ sqrt(rho)``). Singular values are
    computed to absolute accuracy ~1e-16, with no square root of rounding noise (a pure state stays exact).
    """
    mats = np.asarray(mats, dtype=complex)
    root = _psd_sqrt(mats)
    lam = np.linalg.svd(root @ SIGMA_YY @ np.conj(root), compute_uv=False)  # decreasing
    return np.maximum(0.0, lam[..., 0] - lam[..., 1] - lam[..., 2] - lam[..., 3])


def partial_transpose_of_matrices(mats: np.ndarray) -> np.ndarray:
    """Partial transpose on qubit 1 of ``(..., 4, 4)`` operators: ``<a b|rho^Gamma|a' b'> = <a b'|rho|a' b>``."""
    mats = np.asarray(mats)
    r = mats.reshape(mats.shape[:-2] + (2, 2, 2, 2))  # [a, b, a', b']
    return np.swapaxes(r, -3, -1).reshape(mats.shape)


def pt_trace_norm_of_matrices(mats: np.ndarray) -> np.ndarray:
    """``||rho^Gamma||_1``: the sum of the absolute eigenvalues of the (Hermitian) partial transpose."""
    return np.abs(np.linalg.eigvalsh(partial_transpose_of_matrices(mats))).sum(axis=-1)


def _entropy_bits(probs: np.ndarray) -> np.ndarray:
    """Shannon entropy (bits) over the last axis; zeros and rounding negatives contribute nothing."""
    p = np.asarray(probs, dtype=float)
    safe = np.where(p > 0, p, 1.0)
    return -np.sum(np.where(p > 0, p * np.log2(safe), 0.0), axis=-1)


def coherent_information_of_matrices(mats: np.ndarray) -> np.ndarray:
    """``S(B) - S(AB)`` in bits of ``(..., 4, 4)`` two-qubit density matrices (B = qubit 1)."""
    mats = np.asarray(mats, dtype=complex)
    rho_b = np.einsum("...abad->...bd", mats.reshape(mats.shape[:-2] + (2, 2, 2, 2)))
    return _entropy_bits(np.linalg.eigvalsh(rho_b)) - _entropy_bits(np.linalg.eigvalsh(mats))


def phi_plus_fidelity_of_matrices(mats: np.ndarray) -> np.ndarray:
    """``<Phi+|rho|Phi+>`` of ``(..., 4, 4)`` matrices."""
    return np.real(np.einsum("i,...ij,j->...", PHI_PLUS, np.asarray(mats), PHI_PLUS))


# ------------------------------------------------------------------ boundary
def check_bell_weights(name: str, weights: ArrayLike) -> np.ndarray:
    """Bell-diagonal weights: finite, last axis of length 4, each ``>= 0`` and summing to 1.

    Entries down to ``-ROUNDOFF_ATOL`` (rounding of an exact computation) are accepted as they are; the sum
    must be 1 within ``PROB_SUM_ATOL``. Nothing is clipped or renormalised.
    """
    w = real_array(name, weights)
    if w.ndim == 0 or w.shape[-1] != 4:
        raise PQMSValueError(f"{name} must have a last axis of length 4 (Bell weights), got shape {w.shape}")
    low = w < -ROUNDOFF_ATOL
    if low.any():
        raise PQMSValueError(f"{name} must be >= 0, got {w[low].flat[0]}")
    total = w.sum(axis=-1)
    bad = np.abs(total - 1.0) > PROB_SUM_ATOL
    if np.any(bad):
        raise PQMSValueError(f"{name} must sum to 1 (within {PROB_SUM_ATOL}), got {np.asarray(total)[bad].flat[0]!r}")
    return w


def _state_or_weights(name: str, state: qt.Qobj | ArrayLike) -> tuple[str, np.ndarray]:
    """``("matrix", 4x4 array)`` for a Qobj, else ``("weights", validated weights)``."""
    if isinstance(state, qt.Qobj):
        return "matrix", as_density_matrix(name, state, n_qubits=2).full()
    return "weights", check_bell_weights(name, state)


def _out(value: ArrayLike) -> float | np.ndarray:
    return float(value) if np.ndim(value) == 0 else np.asarray(value)


# ------------------------------------------------------------------ public diagnostics
def concurrence(rho: qt.Qobj | ArrayLike) -> float | np.ndarray:
    """Wootters concurrence of a two-qubit state, or of Bell-diagonal weights.

    Parameters
    ----------
    rho : qutip.Qobj or array_like
        Two-qubit ket or density matrix (dims ``[2, 2]``), or Bell weights (last axis of length 4, in the
        package Bell order, non-negative, summing to 1).

    Returns
    -------
    float or numpy.ndarray
        ``C`` in [0, 1] (0: separable; 1: maximally entangled). One value per weight vector for arrays.

    Notes
    -----
    ``C = max(0, l1 - l2 - l3 - l4)`` with ``l_i`` the decreasing square roots of the eigenvalues of
    ``rho (Y (x) Y) rho* (Y (x) Y)`` [1]_. A pure state ``a|00> + b|01> + c|10> + d|11>`` has
    ``C = 2|ad - bc|``; a Bell-diagonal state ``C = max(0, 2 max_k w_k - 1)`` [3]_, so a Werner state of
    parameter ``w`` has ``C = max(0, (3w - 1)/2) = max(0, 2F - 1)``. The entanglement of formation is
    ``h((1 + sqrt(1 - C^2))/2)`` with ``h`` the binary entropy.

    References
    ----------
    .. [1] W. K. Wootters, PRL 80, 2245 (1998).
    .. [3] R. Horodecki et al., RMP 81, 865 (2009).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> print(f"{concurrence(werner_state(0.9)):.6f}")
    0.800000
    >>> print(f"{concurrence([0.9, 0.1 / 3, 0.1 / 3, 0.1 / 3]):.6f}")
    0.800000
    """
    kind, x = _state_or_weights("rho", rho)
    if kind == "matrix":
        return float(concurrence_of_matrices(x))
    return _out(np.maximum(0.0, 2.0 * x.max(axis=-1) - 1.0))


def _pt_trace_norm(name: str, rho: qt.Qobj | ArrayLike) -> float | np.ndarray:
    kind, x = _state_or_weights(name, rho)
    if kind == "matrix":
        return float(pt_trace_norm_of_matrices(x))
    return _out(np.maximum(1.0, 2.0 * x.max(axis=-1)))


def negativity(rho: qt.Qobj | ArrayLike) -> float | np.ndarray:
    """Negativity ``N = (||rho^Gamma||_1 - 1)/2`` of a two-qubit state, or of Bell-diagonal weights.

    Parameters
    ----------
    rho : qutip.Qobj or array_like
        Two-qubit ket or density matrix, or Bell weights (last axis 4, non-negative, summing to 1).

    Returns
    -------
    float or numpy.ndarray
        ``N`` in [0, 1/2]: the sum of the magnitudes of the negative eigenvalues of the partial transpose.

    Notes
    -----
    ``rho^Gamma`` is the partial transpose on qubit 1 (the spectrum does not depend on the side) [2]_. For two
    qubits ``N > 0`` exactly when the state is entangled (Peres-Horodecki). A pure state has ``N = C/2``; a
    Bell-diagonal state ``N = max(0, max_k w_k - 1/2)`` (partial-transpose eigenvalues ``1/2 - w_k``), a Werner
    state ``N = max(0, (3w - 1)/4)``. ``N`` does not increase under LOCC.

    References
    ----------
    .. [2] G. Vidal and R. F. Werner, PRA 65, 032314 (2002).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> print(f"{negativity(bell_state('phi+')):.6f}")
    0.500000
    """
    return _out((np.asarray(_pt_trace_norm("rho", rho)) - 1.0) / 2.0)


def log_negativity(rho: qt.Qobj | ArrayLike) -> float | np.ndarray:
    """Logarithmic negativity ``E_N = log2 ||rho^Gamma||_1`` (ebits) of a two-qubit state or Bell weights.

    Parameters
    ----------
    rho : qutip.Qobj or array_like
        Two-qubit ket or density matrix, or Bell weights (last axis 4, non-negative, summing to 1).

    Returns
    -------
    float or numpy.ndarray
        ``E_N`` in [0, 1] ebit: ``log2(1 + 2N)``; an upper bound on the distillable entanglement.

    Notes
    -----
    Bell-diagonal: ``E_N = log2(max(1, 2 max_k w_k))`` [2]_.

    References
    ----------
    .. [2] G. Vidal and R. F. Werner, PRA 65, 032314 (2002).

    Examples
    --------
    >>> print(f"{log_negativity([0.75, 0.25, 0.0, 0.0]):.6f}")
    0.584963
    """
    return _out(np.log2(np.asarray(_pt_trace_norm("rho", rho))))


def coherent_information(rho: qt.Qobj | ArrayLike) -> float | np.ndarray:
    """Coherent information ``I(A>B) = S(B) - S(AB)`` in bits (A = qubit 0, B = qubit 1).

    Parameters
    ----------
    rho : qutip.Qobj or array_like
        Two-qubit ket or density matrix, or Bell weights (last axis 4, non-negative, summing to 1).

    Returns
    -------
    float or numpy.ndarray
        ``I(A>B)`` in [-1, 1] bits (von Neumann entropies in base 2). Positive values are achievable
        one-way (A to B) distillation yields (hashing, Devetak-Winter [5]_).

    Notes
    -----
    ``S(B)`` is the entropy of ``tr_A rho``, the reduced state of qubit 1. For Bell-diagonal weights
    ``S(B) = 1`` and ``S(AB) = H(w)``, so ``I = 1 - H(w)`` [4]_; see :func:`hashing_yield`.

    References
    ----------
    .. [4] C. H. Bennett et al., PRA 54, 3824 (1996).
    .. [5] I. Devetak and A. Winter, Proc. R. Soc. A 461, 207 (2005).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> print(f"{coherent_information(bell_state('psi-')):.6f}")
    1.000000
    """
    kind, x = _state_or_weights("rho", rho)
    if kind == "matrix":
        return float(coherent_information_of_matrices(x))
    return _out(1.0 - _entropy_bits(x))


def hashing_yield(weights: qt.Qobj | ArrayLike) -> float | np.ndarray:
    """Hashing yield ``max(0, 1 - H(w))`` (ebit per pair) of Bell-diagonal weights, or of a state's twirl.

    Parameters
    ----------
    weights : array_like or qutip.Qobj
        Bell weights (last axis 4, in the package Bell order, non-negative, summing to 1), or a two-qubit state,
        whose Bell twirl (:func:`bell_diagonal_weights`) is used.

    Returns
    -------
    float or numpy.ndarray
        Achievable one-way distillation yield in [0, 1]; a lower bound on the distillable entanglement of the
        Bell-diagonal state (and, since twirling is LOCC, of any state with these Bell weights).

    Notes
    -----
    ``H(w) = -sum_k w_k log2 w_k`` [4]_. The formula lives in :func:`pqms_physics.core.bell_algebra.hashing_yield`.

    References
    ----------
    .. [4] C. H. Bennett, D. P. DiVincenzo, J. A. Smolin, W. K. Wootters, PRA 54, 3824 (1996).

    Examples
    --------
    >>> print(f"{hashing_yield([1.0, 0.0, 0.0, 0.0]):.6f}")
    1.000000
    >>> print(f"{hashing_yield([0.5, 0.5, 0.0, 0.0]):.6f}")
    0.000000
    """
    if isinstance(weights, qt.Qobj):
        return float(ba.hashing_yield(bell_weights(as_density_matrix("weights", weights, n_qubits=2))))
    return _out(ba.hashing_yield(check_bell_weights("weights", weights)))


def bell_diagonal_weights(rho: qt.Qobj) -> np.ndarray:
    """Bell weights ``<B_k|rho|B_k>`` of a two-qubit state, in the package Bell order (its twirl).

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix.

    Returns
    -------
    numpy.ndarray, shape (4,)
        Weights on ``phi+, psi+, psi-, phi-`` (non-negative, summing to 1): the Bell-diagonal state with these
        weights is the Bell twirl of ``rho``; ``weights[0]`` is the fidelity to ``Phi+``.

    Notes
    -----
    The twirl averages ``rho`` over the group ``{s (x) s*}`` of bilateral Pauli rotations, which erases every
    off-diagonal element in the Bell basis [4]_. The computation lives in
    :func:`pqms_physics.core.states.bell_weights`.

    References
    ----------
    .. [4] C. H. Bennett et al., PRA 54, 3824 (1996).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> bell_diagonal_weights(bell_state("psi+")).round(6).tolist()
    [0.0, 1.0, 0.0, 0.0]
    """
    if not isinstance(rho, qt.Qobj):
        raise PQMSValueError(f"rho must be a qutip.Qobj ket or density matrix, got {type(rho).__name__}")
    return bell_weights(as_density_matrix("rho", rho, n_qubits=2))


def werner_parameter(rho: qt.Qobj | ArrayLike) -> float | np.ndarray:
    """Werner parameter ``w = (4F - 1)/3`` of a state's twirl, ``F = <Phi+|rho|Phi+>``.

    Parameters
    ----------
    rho : qutip.Qobj or array_like
        Two-qubit ket or density matrix, or Bell weights (last axis 4; ``F`` is ``weights[..., 0]``).

    Returns
    -------
    float or numpy.ndarray
        ``w`` in [-1/3, 1]: the Werner state ``w |Phi+><Phi+| + (1 - w) I/4`` has the same ``Phi+`` fidelity,
        ``F = (1 + 3w)/4``; the Werner twirl of ``rho`` is that state.

    Notes
    -----
    For a fidelity (a number) rather than a state use :func:`pqms_physics.core.states.werner_parameter`.

    References
    ----------
    .. [3] R. Horodecki et al., RMP 81, 865 (2009) (Werner states).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> print(f"{werner_parameter(werner_state(0.85)):.6f}")
    0.800000
    """
    kind, x = _state_or_weights("rho", rho)
    f = phi_plus_fidelity_of_matrices(x) if kind == "matrix" else x[..., 0]
    return _out((4.0 * f - 1.0) / 3.0)


__all__ = [
    "concurrence",
    "negativity",
    "log_negativity",
    "coherent_information",
    "hashing_yield",
    "bell_diagonal_weights",
    "werner_parameter",
    "check_bell_weights",
    "concurrence_of_matrices",
    "partial_transpose_of_matrices",
    "pt_trace_norm_of_matrices",
    "coherent_information_of_matrices",
    "phi_plus_fidelity_of_matrices",
    "SIGMA_YY",
    "PHI_PLUS",
]
