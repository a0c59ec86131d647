"""Two-qubit Pauli-basis tomography: the count-table layout, its exact outcome table, and its validation.

Layout (fixed here, used by every tomography module)
    Nine settings ``SETTING_NAMES = ("xx", "xy", "xz", "yx", "yy", "yz", "zx", "zy", "zz")``: setting index
    ``3*i + j`` means qubit 0 (Alice) measures Pauli ``"xyz"[i]`` and qubit 1 (Bob) Pauli ``"xyz"[j]``.
    Four outcomes per setting, index ``2*a + b`` (a = qubit 0's bit, b = qubit 1's bit), bit 0 for the +1
    eigenvalue, as :mod:`pqms_physics.conventions` states. A count table has shape ``(9, 4)``; an outcome table
    ``probs[s, o]`` (rows summing to 1) is what :func:`pqms_physics.kernels.sample_counts` takes, and its
    :class:`~pqms_physics.kernels.result.SampleCounts` (or its ``.counts``) is what the estimators take back.

References
----------
.. [1] D. F. V. James, P. G. Kwiat, W. J. Munro, A. G. White, "Measurement of qubits", PRA 64, 052312 (2001).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.conventions import OUTCOME_BITS, OUTCOME_SIGNS, STATE_ATOL
from pqms_physics.errors import PQMSValueError
from pqms_physics.validation import real_array

if TYPE_CHECKING:
    import qutip as qt

    from pqms_physics.kernels.result import SampleCounts

#: Local Pauli bases, in setting order.
BASES: str = "xyz"
#: Names of the nine settings; index ``3*i + j`` = (qubit 0 measures ``BASES[i]``, qubit 1 ``BASES[j]``).
SETTING_NAMES: tuple[str, ...] = tuple(a + b for a in BASES for b in BASES)
#: Number of settings and of outcomes per setting.
N_SETTINGS: int = 9
N_OUTCOMES: int = 4

_PAULIS = {
    "i": np.eye(2, dtype=complex),
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
}
#: ``PAULI_PRODUCTS[m, n] = sigma_m (x) sigma_n`` with ``m, n`` in ``I, X, Y, Z`` order, shape (4, 4, 4, 4).
PAULI_PRODUCTS = np.array([[np.kron(_PAULIS[a], _PAULIS[b]) for b in "ixyz"] for a in "ixyz"])


def _eigenvector(basis: str, bit: int) -> np.ndarray:
    """Unit eigenvector of Pauli ``basis`` with eigenvalue ``(-1)**bit`` (fixed phase: first nonzero entry real)."""
    vals, vecs = np.linalg.eigh(_PAULIS[basis])
    v = vecs[:, int(np.argmin(np.abs(vals - (1 - 2 * bit))))]
    lead = v[np.flatnonzero(np.abs(v) > 1e-12)[0]]
    return v * (abs(lead) / lead)


#: ``MEASUREMENT_VECTORS[s, o]``: the product eigenvector measured as outcome ``o`` of setting ``s``, (9, 4, 4).
MEASUREMENT_VECTORS = np.array(
    [
        [np.kron(_eigenvector(a, int(bits[0])), _eigenvector(b, int(bits[1]))) for bits in OUTCOME_BITS]
        for a in BASES
        for b in BASES
    ]
)


#: ``DESIGN[s, o, m, n] = tr[Pi_{s,o} (sigma_m (x) sigma_n)]`` (real: 1, +-1 or 0), so that for
#: ``rho = sum_mn T_mn sigma_m (x) sigma_n / 4`` the outcome probability is ``sum_mn DESIGN[s, o, m, n] T_mn / 4``.
def _design() -> np.ndarray:
    out = np.zeros((N_SETTINGS, N_OUTCOMES, 4, 4))
    for s in range(N_SETTINGS):
        i, j = divmod(s, 3)
        for o, (sign_a, sign_b) in enumerate(OUTCOME_SIGNS):
            local_a = np.r_[1.0, sign_a * np.eye(3)[i]]  # tr(pi_a sigma_m), m = I, X, Y, Z
            local_b = np.r_[1.0, sign_b * np.eye(3)[j]]
            out[s, o] = np.outer(local_a, local_b)
    out.setflags(write=False)
    return out


DESIGN = _design()


def outcome_probabilities_of_matrices(mats: np.ndarray) -> np.ndarray:
    """``p[..., s, o] = <v_so|rho|v_so>`` of ``(..., 4, 4)`` matrices (trusted; no rounding treatment)."""
    vc = np.conj(MEASUREMENT_VECTORS)
    return np.real(np.einsum("soa,...ab,sob->...so", vc, np.asarray(mats), MEASUREMENT_VECTORS))


def pauli_outcome_table(rho: qt.Qobj) -> np.ndarray:
    """Exact outcome probabilities of the nine Pauli settings for a two-qubit state.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix (validated by :func:`pqms_physics.core.states.as_density_matrix`).

    Returns
    -------
    numpy.ndarray, shape (9, 4)
        ``probs[s, o]`` in the layout of this module (rows sum to 1); ready for
        ``sample_counts(probs, pairs, seed=..., setting_choice=...)``.

    Notes
    -----
    ``p(a, b | i, j) = tr[(P_a(sigma_i) (x) P_b(sigma_j)) rho]`` with ``P_bit(s) = (I + (-1)^bit s)/2`` [1]_.
    Entries that come out negative by rounding (above ``-STATE_ATOL``, the tolerance of the state validation)
    are set to 0 and each row is divided by its sum (which differs from 1 only within that tolerance), as
    :func:`pqms_physics.chsh.outcome_table` does.

    References
    ----------
    .. [1] D. F. V. James et al., PRA 64, 052312 (2001).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> table = pauli_outcome_table(bell_state("phi+"))
    >>> table[SETTING_NAMES.index("yy")].round(12).tolist()   # <YY> = -1 on Phi+: outcomes 01 and 10
    [0.0, 0.5, 0.5, 0.0]
    """
    from pqms_physics.core.states import as_density_matrix

    mat = as_density_matrix("rho", rho, n_qubits=2).full()
    table = outcome_probabilities_of_matrices(mat)
    low = table.min()
    if low < -STATE_ATOL:  # pragma: no cover - a validated state cannot get here
        raise PQMSValueError(f"rho gives a negative outcome probability {low}; it must be a valid state")
    table = np.where(table < 0, 0.0, table)
    return table / table.sum(axis=1, keepdims=True)


def check_count_table(name: str, counts: ArrayLike | SampleCounts, integer: bool = True) -> np.ndarray:
    """A Pauli-tomography count table as an array of shape ``(9, 4)`` (int64, or float with ``integer=False``).

    Accepts an array_like or a :class:`~pqms_physics.kernels.result.SampleCounts` (its ``counts``). Entries
    must be finite and ``>= 0``, integers (integral floats accepted) unless ``integer=False`` (expected counts or
    probabilities), and every setting needs a positive total.
    """
    if hasattr(counts, "counts") and hasattr(counts, "stream_version"):  # SampleCounts
        counts = counts.counts
    arr = real_array(name, counts)
    if arr.shape != (N_SETTINGS, N_OUTCOMES):
        raise PQMSValueError(
            f"{name} must have shape ({N_SETTINGS}, {N_OUTCOMES}) (settings {', '.join(SETTING_NAMES)}"
            f" x outcomes 00, 01, 10, 11), got shape {arr.shape}"
        )
    neg = arr < 0
    if neg.any():
        raise PQMSValueError(f"{name} must be >= 0, got {arr[neg].flat[0]}")
    if integer:
        frac = arr != np.round(arr)
        if frac.any():
            raise PQMSValueError(f"{name} must hold integer counts, got {arr[frac].flat[0]}")
    rows = arr.sum(axis=1)
    if (rows <= 0).any():
        empty = SETTING_NAMES[int(np.flatnonzero(rows <= 0)[0])]
        raise PQMSValueError(f"{name} must have a positive total in every setting, got none for {empty!r}")
    return arr.astype(np.int64) if integer else arr


__all__ = [
    "BASES",
    "SETTING_NAMES",
    "N_SETTINGS",
    "N_OUTCOMES",
    "PAULI_PRODUCTS",
    "MEASUREMENT_VECTORS",
    "DESIGN",
    "outcome_probabilities_of_matrices",
    "pauli_outcome_table",
    "check_count_table",
]
