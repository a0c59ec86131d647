"""Exact CHSH physics of a two-qubit state: correlators, S for given settings, S_max and optimal settings.

This module computes exact quantities only; finite-sample estimation lives in
:mod:`pqms_physics.chsh.estimate`. Everything is re-exported from
:mod:`pqms_physics.chsh`.

Conventions (see :mod:`pqms_physics.conventions`)
    * Qubit 0 (Alice) measures ``a0`` or ``a1``, qubit 1 (Bob) measures ``b0``
      or ``b1``. A direction is an angle in the X-Z plane (radians, 0 = +Z,
      pi/2 = +X, i.e. ``n = (sin t, 0, cos t)``) or a unit Bloch vector
      ``(n_x, n_y, n_z)``; the observable is ``n . sigma``.
    * A detector reports bit 0 for the +1 eigenvalue; the joint outcome index
      is ``2*a + b``.
    * Setting index ``k = 2*i + j`` for the pair ``(a_i, b_j)``: the order is
      a0b0, a0b1, a1b0, a1b1.
    * Sign convention: ``S = E(a0,b0) + E(a0,b1) + E(a1,b0) - E(a1,b1)``; local
      hidden-variable models obey ``|S| <= 2``, quantum mechanics
      ``|S| <= 2 sqrt(2)`` (Tsirelson).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.chsh.settings import (  # noqa: F401  (re-exported: every settings name importable from here)
    SETTING_NAMES,
    STANDARD_ANGLES,
    UNIT_NORM_ATOL,
    CHSHSettings,
    _optimal_from_t,
    _s_max_from_t,
    direction,
    settings_from_correlations,
)
from pqms_physics.conventions import OUTCOME_SIGNS

if TYPE_CHECKING:
    import qutip as qt

#: Classical (local hidden-variable) bound on |S|.
LOCAL_BOUND: float = 2.0
#: Tsirelson's bound on |S| for any quantum state.
TSIRELSON_BOUND: float = 2.0 * math.sqrt(2.0)
#: Coefficient of each setting's correlator in S (setting-index order).
SETTING_SIGNS = np.array([1.0, 1.0, 1.0, -1.0])

_PAULI_XYZ = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)


# ----------------------------------------------------------------------- inputs
def _density_matrix(name: str, rho: qt.Qobj) -> np.ndarray:
    """Validate a two-qubit state and return its 4x4 density matrix (lazy QuTiP import)."""
    from pqms_physics.core.states import as_density_matrix

    return as_density_matrix(name, rho, n_qubits=2).full()


# ------------------------------------------------------------------ exact values
def _observable(n: np.ndarray) -> np.ndarray:
    return np.einsum("k,kij->ij", n, _PAULI_XYZ)


def correlation_matrix(rho: qt.Qobj) -> np.ndarray:
    """Correlation matrix ``T_ij = tr[rho (sigma_i (x) sigma_j)]``, i, j in (x, y, z).

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix.

    Returns
    -------
    numpy.ndarray
        Real (3, 3) array; ``E(a, b) = a^T T b`` for unit directions a, b.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> correlation_matrix(bell_state("phi+")).round(12).tolist()
    [[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return _correlation_matrix(_density_matrix("rho", rho))


def _correlation_matrix(mat: np.ndarray) -> np.ndarray:
    # tr[rho (A (x) B)] = sum rho[(k l), (i j)] A[i, k] B[j, l] with rho reshaped to (2, 2, 2, 2)
    r = mat.reshape(2, 2, 2, 2)
    return np.real(np.einsum("klij,aik,bjl->ab", r, _PAULI_XYZ, _PAULI_XYZ))


def correlator(rho: qt.Qobj, a: ArrayLike, b: ArrayLike) -> float:
    """Correlator ``E(a, b) = <(a . sigma) (x) (b . sigma)>`` of a two-qubit state.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix (dims ``[[2, 2], [2, 2]]``).
    a, b : float or array_like of shape (3,)
        Directions of qubit 0 and qubit 1: an angle in the X-Z plane (radians,
        0 = +Z, pi/2 = +X) or a unit Bloch vector.

    Returns
    -------
    float
        ``E`` in [-1, 1]: the expectation of the product of the two +/-1 outcomes.

    Notes
    -----
    ``E(a, b) = tr[rho (a.sigma (x) b.sigma)] = a^T T b`` with ``T`` the
    correlation matrix. For ``|Phi+>`` and X-Z-plane angles,
    ``E = cos(theta_a - theta_b)``.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> round(correlator(bell_state("phi+"), 0.0, math.pi / 4), 12)
    0.707106781187
    """
    mat = _density_matrix("rho", rho)
    va, vb = direction("a", a), direction("b", b)
    return float(np.real(np.trace(mat @ np.kron(_observable(va), _observable(vb)))))


def _chsh_from_matrix(mat: np.ndarray, s: CHSHSettings) -> float:
    t = _correlation_matrix(mat)
    a0, a1, b0, b1 = s
    return float(a0 @ t @ b0 + a0 @ t @ b1 + a1 @ t @ b0 - a1 @ t @ b1)


def chsh_value(rho: qt.Qobj, settings: CHSHSettings | Sequence[ArrayLike] | None = None) -> float:
    """CHSH value of a two-qubit state: maximal over all directions, or for given settings.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix.
    settings : None or sequence of 4 directions or CHSHSettings, optional
        ``(a0, a1, b0, b1)``, each an X-Z-plane angle (radians) or a unit Bloch
        vector. ``None`` (default) returns ``S_max``, the maximum over all
        directions.

    Returns
    -------
    float
        ``S = E(a0,b0) + E(a0,b1) + E(a1,b0) - E(a1,b1)`` for the given settings,
        or ``S_max = 2 sqrt(u1 + u2)`` in [0, 2 sqrt(2)].

    Notes
    -----
    Horodecki criterion: with ``T`` the correlation matrix
    (:func:`correlation_matrix`) and ``u1 >= u2`` the two largest eigenvalues
    of ``T^T T``, ``max |S| = 2 sqrt(u1 + u2)``; the state violates the CHSH
    inequality for some settings iff ``u1 + u2 > 1``. For a Werner state
    ``w |Phi+><Phi+| + (1 - w) I/4``, ``S_max = 2 sqrt(2) w``.

    References
    ----------
    R. Horodecki, P. Horodecki, M. Horodecki, "Violating Bell inequality by mixed
    spin-1/2 states: necessary and sufficient condition", Phys. Lett. A 200, 340 (1995).
    J. F. Clauser, M. A. Horne, A. Shimony, R. A. Holt, Phys. Rev. Lett. 23, 880 (1969).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> round(chsh_value(bell_state("phi+")), 12) == round(2 * math.sqrt(2), 12)
    True
    >>> round(chsh_value(bell_state("phi+"), settings=STANDARD_ANGLES), 10)
    2.8284271247
    """
    mat = _density_matrix("rho", rho)
    if settings is None:
        return _s_max_from_t(_correlation_matrix(mat))
    return _chsh_from_matrix(mat, CHSHSettings.from_any(settings))


def optimal_settings(rho: qt.Qobj) -> CHSHSettings:
    """Measurement directions that reach ``S_max`` for this state.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix.

    Returns
    -------
    CHSHSettings
        Directions ``(a0, a1, b0, b1)`` with
        ``chsh_value(rho, settings=result) == chsh_value(rho)`` (to rounding).
        When some maximiser lies in the X-Z plane, that one is returned, so
        ``result.angles`` is available (e.g. for Werner and dephased Bell states).

    Notes
    -----
    With the singular value decomposition ``T = U diag(s1, s2, s3) V^T``
    (``s1 >= s2 >= s3 >= 0``): ``a0 = u1``, ``a1 = u2``,
    ``b0,1 = cos(t) v1 +- sin(t) v2`` with ``tan(t) = s2/s1``; then
    ``S = 2 (cos(t) s1 + sin(t) s2) = 2 sqrt(s1^2 + s2^2)``. The maximiser is
    not unique (any local rotation symmetry of the state maps it to another
    one). The X-Z-plane solution uses the 2x2 block of T on (x, z); it is taken
    when its S equals ``S_max`` within ``ROUNDOFF_ATOL``
    (:func:`~pqms_physics.chsh.settings.settings_from_correlations`).

    References
    ----------
    R. Horodecki, P. Horodecki, M. Horodecki, Phys. Lett. A 200, 340 (1995).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> rho = werner_state(0.9)
    >>> s = optimal_settings(rho)
    >>> s.in_xz_plane, round(chsh_value(rho, settings=s), 6), round(chsh_value(rho), 6)
    (True, 2.451304, 2.451304)
    """
    return _optimal_settings(_density_matrix("rho", rho))


def _optimal_settings(mat: np.ndarray) -> CHSHSettings:
    return settings_from_correlations(_correlation_matrix(mat))


def outcome_table(rho: qt.Qobj, settings: CHSHSettings | Sequence[ArrayLike]) -> np.ndarray:
    """Exact joint outcome probabilities for the four CHSH settings.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix.
    settings : sequence of 4 directions or CHSHSettings
        ``(a0, a1, b0, b1)`` as X-Z-plane angles (radians) or unit Bloch vectors.

    Returns
    -------
    numpy.ndarray
        Shape (4, 4), float64: row ``k = 2*i + j`` is the setting ``(a_i, b_j)``
        (a0b0, a0b1, a1b0, a1b1), column ``2*a + b`` the joint outcome (bit 0 =
        +1 eigenvalue). Rows sum to 1 within 1e-12 and entries are >= 0: this is
        the table handed to the samplers.

    Notes
    -----
    ``p(a, b | i, j) = tr[(P_a(a_i) (x) P_b(b_j)) rho]`` with
    ``P_bit(n) = (I + (-1)^bit n.sigma)/2``. It is the register of
    :func:`~pqms_physics.chsh.measurement.chsh_measurement_channel` applied to ``rho``, read by
    :func:`~pqms_physics.chsh.measurement.register_table`: entries of magnitude below 1e-8 that
    come out negative through floating-point rounding (a pure state has exact
    zeros; the state validation allows eigenvalues down to -1e-8) are set to 0,
    and each row is divided by its sum (which differs from 1 only within the
    trace tolerance 1e-8 of the state validation); anything more negative raises.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> outcome_table(bell_state("phi+"), (0.0, 0.0, 0.0, 0.0))[0].round(12).tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    mat = _density_matrix("rho", rho)
    return _outcome_table(mat, CHSHSettings.from_any(settings))


def _outcome_table(mat: np.ndarray, s: CHSHSettings) -> np.ndarray:
    """:func:`outcome_table` of a trusted 4x4 density matrix: the CHSH measurement channel's register."""
    from pqms_physics.chsh.measurement import _table, chsh_measurement_channel
    from pqms_physics.core.reps import apply_superop

    return _table(apply_superop(chsh_measurement_channel(s).superop_matrix, mat), n_settings=4)


def correlators_from_table(table: np.ndarray) -> np.ndarray:
    """Correlators ``E_k = sum_o s_a s_b p(o | k)`` of each setting row of an outcome table (or of counts
    divided by their row sums)."""
    signs = OUTCOME_SIGNS[:, 0] * OUTCOME_SIGNS[:, 1]  # +1 for 00 and 11, -1 for 01 and 10
    return np.asarray(table, dtype=float) @ signs


__all__ = [
    "LOCAL_BOUND",
    "TSIRELSON_BOUND",
    "SETTING_NAMES",
    "SETTING_SIGNS",
    "STANDARD_ANGLES",
    "CHSHSettings",
    "direction",
    "correlation_matrix",
    "correlator",
    "chsh_value",
    "optimal_settings",
    "outcome_table",
    "correlators_from_table",
]
