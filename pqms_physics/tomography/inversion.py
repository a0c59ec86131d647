"""Linear-inversion tomography of a two-qubit state from Pauli-basis counts.

The state is written in the Pauli basis, ``rho = sum_mn T_mn sigma_m (x) sigma_n / 4`` (``m, n`` in
``I, X, Y, Z``; ``T_00 = 1``), and each ``T_mn`` is replaced by its sample mean: the correlators ``T_ij`` from
setting ``(i, j)``, the local terms ``T_i0`` and ``T_0j`` from all three settings in which that qubit measures
that Pauli (counts pooled). The estimate is Hermitian with unit trace but need not be positive; use
:func:`pqms_physics.tomography.mle.maximum_likelihood_state` for a physical state.

References
----------
.. [1] D. F. V. James, P. G. Kwiat, W. J. Munro, A. G. White, "Measurement of qubits", PRA 64, 052312 (2001).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import qutip as qt
from numpy.typing import ArrayLike

from pqms_physics.conventions import OUTCOME_SIGNS
from pqms_physics.tomography.pauli import PAULI_PRODUCTS, check_count_table

if TYPE_CHECKING:
    from pqms_physics.kernels.result import SampleCounts

_SIGN_A = OUTCOME_SIGNS[:, 0].astype(float)
_SIGN_B = OUTCOME_SIGNS[:, 1].astype(float)


def correlation_tensor_of_counts(counts: np.ndarray) -> np.ndarray:
    """``T[..., m, n]`` (4x4, ``T_00 = 1``) estimated from ``(..., 9, 4)`` count tables (trusted)."""
    n = np.asarray(counts, dtype=float)
    n = n.reshape(n.shape[:-2] + (3, 3, 4))  # [i, j, outcome]
    per_setting = n.sum(axis=-1)
    t = np.zeros(n.shape[:-3] + (4, 4))
    t[..., 0, 0] = 1.0
    t[..., 1:, 1:] = (n @ (_SIGN_A * _SIGN_B)) / per_setting
    t[..., 1:, 0] = (n @ _SIGN_A).sum(axis=-1) / per_setting.sum(axis=-1)  # qubit 0 measured i: pool over j
    t[..., 0, 1:] = (n @ _SIGN_B).sum(axis=-2) / per_setting.sum(axis=-2)  # qubit 1 measured j: pool over i
    return t


def matrices_from_tensor(t: np.ndarray) -> np.ndarray:
    """``rho = sum_mn T_mn sigma_m (x) sigma_n / 4`` for ``(..., 4, 4)`` tensors."""
    return np.einsum("...mn,mnab->...ab", np.asarray(t, dtype=float), PAULI_PRODUCTS) / 4.0


def linear_inversion_of_counts(counts: np.ndarray) -> np.ndarray:
    """Linear-inversion matrices of ``(..., 9, 4)`` count tables (trusted; every setting non-empty)."""
    return matrices_from_tensor(correlation_tensor_of_counts(counts))


@dataclass(frozen=True, eq=False)
class LinearInversionResult:
    """Linear-inversion estimate of a two-qubit state.

    Attributes
    ----------
    state : qutip.Qobj
        Hermitian, unit-trace 4x4 operator (dims ``[[2, 2], [2, 2]]``); not necessarily positive.
    min_eigenvalue : float
        Smallest eigenvalue of ``state``; negative values flag an unphysical estimate.
    pairs : float
        Total counts used.
    counts : numpy.ndarray
        The (9, 4) count table (float).
    """

    state: qt.Qobj
    min_eigenvalue: float
    pairs: float
    counts: np.ndarray

    @property
    def is_physical(self) -> bool:
        """Whether the estimate is positive semidefinite (a density matrix)."""
        return self.min_eigenvalue >= 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the matrix as real and imaginary parts)."""
        m = self.state.full()
        return {
            "state_real": m.real.tolist(),
            "state_imag": m.imag.tolist(),
            "min_eigenvalue": self.min_eigenvalue,
            "is_physical": self.is_physical,
            "pairs": self.pairs,
            "counts": self.counts.tolist(),
        }


def linear_inversion(counts: ArrayLike | SampleCounts) -> LinearInversionResult:
    """Linear-inversion (sample-mean) estimate of a two-qubit state from Pauli-basis counts.

    Parameters
    ----------
    counts : array_like, shape (9, 4), or SampleCounts
        Counts in the layout of :mod:`pqms_physics.tomography.pauli` (settings ``xx .. zz``, outcomes ``2a + b``),
        non-negative with a positive total in every setting; non-integer values (expected counts, probabilities)
        are accepted.

    Returns
    -------
    LinearInversionResult
        The estimate (unit trace, Hermitian, possibly with negative eigenvalues) and its smallest eigenvalue.

    Notes
    -----
    ``rho = sum_mn T_mn sigma_m (x) sigma_n / 4`` with ``T_ij = sum_o s_a(o) s_b(o) n_ijo / N_ij`` and the local
    terms from the pooled counts of the three settings in which the qubit measures that Pauli [1]_. On exact
    probabilities (any positive multiple of :func:`~pqms_physics.tomography.pauli.pauli_outcome_table`) it
    returns the state exactly.

    References
    ----------
    .. [1] D. F. V. James et al., PRA 64, 052312 (2001).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> from pqms_physics.tomography.pauli import pauli_outcome_table
    >>> res = linear_inversion(pauli_outcome_table(werner_state(0.9)))  # exact probabilities
    >>> print(f"{res.state.full()[0, 3].real:.6f} {res.min_eigenvalue:.6f}")
    0.433333 0.033333
    """
    table = check_count_table("counts", counts, integer=False)
    mat = linear_inversion_of_counts(table)
    mat = (mat + mat.conj().T) / 2
    return LinearInversionResult(
        state=qt.Qobj(mat, dims=[[2, 2], [2, 2]]),
        min_eigenvalue=float(np.linalg.eigvalsh(mat)[0]),
        pairs=float(table.sum()),
        counts=table,
    )


__all__ = [
    "LinearInversionResult",
    "linear_inversion",
    "linear_inversion_of_counts",
    "correlation_tensor_of_counts",
    "matrices_from_tensor",
]
