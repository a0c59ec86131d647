"""Two-qubit states: Bell states, Werner and Bell-diagonal states, and fidelity.

Conventions (see :mod:`pqms_physics.conventions`): qubit 0 is the leftmost
factor; Bell index order ``phi+, psi+, psi-, phi-`` equals the Pauli order
``I, X, Y, Z`` applied to qubit 1 of ``|Phi+>``; fidelity is the **squared**
Uhlmann fidelity.
"""

from __future__ import annotations

import numpy as np
import qutip as qt

from pqms_physics.conventions import BELL_NAMES, PAULI_NAMES, PROB_SUM_ATOL
from pqms_physics.errors import DimensionError, PQMSValueError, check_choice, check_probability
from pqms_physics.validation import as_density_matrix  # re-exported here: its home is the validators' module

_SQRT_HALF = 1.0 / np.sqrt(2.0)

# Computational-basis amplitudes of the Bell states, in BELL_NAMES order.
_BELL_AMPLITUDES = {
    "phi+": np.array([1.0, 0.0, 0.0, 1.0]) * _SQRT_HALF,
    "psi+": np.array([0.0, 1.0, 1.0, 0.0]) * _SQRT_HALF,
    "psi-": np.array([0.0, 1.0, -1.0, 0.0]) * _SQRT_HALF,
    "phi-": np.array([1.0, 0.0, 0.0, -1.0]) * _SQRT_HALF,
}

#: Columns are the Bell kets in BELL_NAMES order (a real orthogonal 4x4 matrix).
BELL_BASIS = np.column_stack([_BELL_AMPLITUDES[name] for name in BELL_NAMES])

#: Pauli matrices I, X, Y, Z in PAULI_NAMES order, shape (4, 2, 2), read-only: the package's one definition.
PAULI_MATRICES = np.array([np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
PAULI_MATRICES.flags.writeable = False


def pauli(name: str) -> qt.Qobj:
    """Single-qubit Pauli operator ``"i"``, ``"x"``, ``"y"`` or ``"z"`` as a Qobj."""
    check_choice("name", name, PAULI_NAMES)
    return qt.Qobj(PAULI_MATRICES[PAULI_NAMES.index(name)], dims=[[2], [2]])


def bell_state(name: str = "phi+") -> qt.Qobj:
    """Bell state as a ket.

    Parameters
    ----------
    name : {"phi+", "phi-", "psi+", "psi-"}
        ``|Phi+-> = (|00> +- |11>)/sqrt(2)``, ``|Psi+-> = (|01> +- |10>)/sqrt(2)``.

    Returns
    -------
    qutip.Qobj
        Two-qubit ket (``dims[0] == [2, 2]``; QuTiP 5 writes the full dims as
        ``[[2, 2], [1]]``, QuTiP 4 wrote ``[[2, 2], [1, 1]]``).

    Examples
    --------
    >>> bell_state("psi-").full().ravel().real.round(4).tolist()
    [0.0, 0.7071, -0.7071, 0.0]
    """
    check_choice("name", name, BELL_NAMES)
    return qt.Qobj(_BELL_AMPLITUDES[name].astype(complex).reshape(4, 1), dims=[[2, 2], [1]])


def bell_diagonal_state(p_i: float, p_x: float, p_y: float, p_z: float) -> qt.Qobj:
    """Bell-diagonal state: Pauli errors with the given weights applied to qubit 1 of ``|Phi+>``.

    ``rho = sum_k p_k (I (x) sigma_k) |Phi+><Phi+| (I (x) sigma_k)``, i.e. weights
    ``p_i, p_x, p_y, p_z`` on ``Phi+, Psi+, Psi-, Phi-``.

    Parameters
    ----------
    p_i, p_x, p_y, p_z : float
        Probabilities in [0, 1] that sum to 1 (within 1e-12).

    Returns
    -------
    qutip.Qobj
        Density matrix, dims ``[[2, 2], [2, 2]]``; its fidelity to ``Phi+`` is ``p_i``.
    """
    weights = np.array([check_probability(n, v) for n, v in (("p_i", p_i), ("p_x", p_x), ("p_y", p_y), ("p_z", p_z))])
    total = weights.sum()
    if abs(total - 1.0) > PROB_SUM_ATOL:
        raise PQMSValueError(f"p_i + p_x + p_y + p_z must equal 1 (within {PROB_SUM_ATOL}), got {total!r}")
    return bell_diagonal_from_weights(weights)


def bell_diagonal_from_weights(weights: np.ndarray) -> qt.Qobj:
    """Bell-diagonal density matrix from trusted weights in BELL_NAMES order (no validation)."""
    mat = (BELL_BASIS * np.asarray(weights, dtype=float)) @ BELL_BASIS.T
    return qt.Qobj(mat.astype(complex), dims=[[2, 2], [2, 2]])


def werner_state(fidelity: float) -> qt.Qobj:
    """Werner state of the given fidelity to ``|Phi+>``.

    ``rho = w |Phi+><Phi+| + (1 - w) I/4`` with ``w = (4F - 1)/3``.

    Parameters
    ----------
    fidelity : float
        Squared fidelity ``F = <Phi+|rho|Phi+>`` in [0, 1] (every such F gives a
        valid state; it is entangled only for F > 1/2).

    Examples
    --------
    >>> rho = werner_state(0.9)
    >>> round(fidelity(rho, bell_state("phi+")), 12)
    0.9
    """
    f = check_probability("fidelity", fidelity)
    other = (1.0 - f) / 3.0
    return bell_diagonal_from_weights(np.array([f, other, other, other]))


def werner_parameter(fidelity: float) -> float:
    """Werner parameter ``w = (4F - 1)/3`` of a Werner state of fidelity ``F``."""
    return (4.0 * check_probability("fidelity", fidelity) - 1.0) / 3.0


def bell_weights(rho: qt.Qobj) -> np.ndarray:
    """Diagonal of a two-qubit state in the Bell basis, ``<B_k|rho|B_k>`` in BELL_NAMES order.

    For a Bell-diagonal state these are its Pauli-error weights; for any state
    they are the weights of its Bell twirl.
    """
    mat = as_density_matrix("rho", rho, n_qubits=2).full()
    return np.real(np.einsum("ik,ij,jk->k", BELL_BASIS, mat, BELL_BASIS))


def fidelity(rho: qt.Qobj, target: qt.Qobj) -> float:
    """Squared Uhlmann fidelity ``F = (tr sqrt(sqrt(rho) sigma sqrt(rho)))**2``.

    Parameters
    ----------
    rho : qutip.Qobj
        State (ket or density matrix).
    target : qutip.Qobj
        Target state (ket or density matrix) with the same dims.

    Returns
    -------
    float
        ``F`` in [0, 1]; for a pure target ``|psi>`` this is ``<psi|rho|psi>``.

    Notes
    -----
    ``qutip.fidelity`` returns the *square root* ``sqrt(F)``; for mixed targets
    this function squares it explicitly.

    Examples
    --------
    >>> round(fidelity(werner_state(0.8), werner_state(0.8)), 10)
    1.0
    """
    if isinstance(target, qt.Qobj) and target.isket:
        psi = target
        rho_dm = as_density_matrix("rho", rho)
        if list(psi.dims[0]) != list(rho_dm.dims[0]):
            raise DimensionError(f"target dims {psi.dims[0]} do not match rho dims {rho_dm.dims[0]}")
        as_density_matrix("target", psi)  # validates normalisation
        vec = psi.full().ravel()
        return float(np.real(vec.conj() @ rho_dm.full() @ vec))
    rho_dm = as_density_matrix("rho", rho)
    sigma = as_density_matrix("target", target)
    if list(sigma.dims[0]) != list(rho_dm.dims[0]):
        raise DimensionError(f"target dims {sigma.dims[0]} do not match rho dims {rho_dm.dims[0]}")
    return float(qt.fidelity(rho_dm, sigma) ** 2)


__all__ = [
    "BELL_BASIS",
    "bell_state",
    "bell_diagonal_state",
    "bell_diagonal_from_weights",
    "werner_state",
    "werner_parameter",
    "bell_weights",
    "as_density_matrix",
    "fidelity",
    "pauli",
    "PAULI_MATRICES",
]
