"""Array versions of the boundary checks in :mod:`pqms_physics.errors`.

Vectorised public functions (sweeps over fidelities, distances, probabilities)
validate every element and report the first offending value in the same words
as the scalar checks: ``"length_km must be >= 0, got -1.0"``. Nothing is
clipped. :func:`as_density_matrix` validates quantum states at a public boundary
(QuTiP is imported only when it is called, so this module stays light).
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.conventions import STATE_ATOL
from pqms_physics.errors import DimensionError, PQMSValueError

if TYPE_CHECKING:
    import qutip as qt


def real_array(name: str, values: ArrayLike) -> np.ndarray:
    """``values`` as a float ndarray of finite reals, or raise naming ``name``."""
    if isinstance(values, bool) or isinstance(values, str):
        raise PQMSValueError(f"{name} must be a real number or an array of them, got {values!r}")
    try:
        arr = np.asarray(values)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise PQMSValueError(f"{name} must be a real number or an array of them, got {values!r}") from exc
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise PQMSValueError(f"{name} must be a real number or an array of them, got dtype {arr.dtype}")
    arr = arr.astype(float)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise PQMSValueError(f"{name} must be finite, got {arr[bad].flat[0]}")
    return arr


def in_range_array(name: str, values: ArrayLike, low: float, high: float) -> np.ndarray:
    """Every element in the closed interval ``[low, high]``."""
    arr = real_array(name, values)
    bad = (arr < low) | (arr > high)
    if bad.any():
        raise PQMSValueError(f"{name} must be in [{low}, {high}], got {arr[bad].flat[0]}")
    return arr


def nonnegative_array(name: str, values: ArrayLike) -> np.ndarray:
    """Every element ``>= 0``."""
    arr = real_array(name, values)
    bad = arr < 0
    if bad.any():
        raise PQMSValueError(f"{name} must be >= 0, got {arr[bad].flat[0]}")
    return arr


def int_array(name: str, values: ArrayLike, minimum: int) -> np.ndarray:
    """Integers (integral floats accepted) ``>= minimum`` as an int64 ndarray."""
    if isinstance(values, bool):
        raise PQMSValueError(f"{name} must be an integer, got {values}")
    if isinstance(values, numbers.Integral):
        arr = np.asarray(int(values), dtype=np.int64)
    else:
        arr = real_array(name, values)
        frac = arr != np.round(arr)
        if frac.any():
            raise PQMSValueError(f"{name} must be an integer, got {arr[frac].flat[0]}")
        if (np.abs(arr) > 2.0**62).any():
            raise PQMSValueError(f"{name} must be <= {2**62}, got {arr[np.abs(arr) > 2.0**62].flat[0]}")
        arr = arr.astype(np.int64)
    bad = arr < minimum
    if bad.any():
        raise PQMSValueError(f"{name} must be >= {minimum}, got {arr[bad].flat[0]}")
    return arr


def scalar_or_array(arr: np.ndarray) -> float | np.ndarray:
    """A 0-d result as a Python float, anything else unchanged."""
    return float(arr) if np.ndim(arr) == 0 else arr


def as_density_matrix(name: str, state: qt.Qobj, n_qubits: int | None = None, atol: float = STATE_ATOL) -> qt.Qobj:
    """Validate a state at a public boundary and return it as a density-matrix ``qutip.Qobj``.

    Parameters
    ----------
    name : str
        Parameter name used in error messages.
    state : qutip.Qobj
        A ket (normalised within ``atol``) or a density matrix.
    n_qubits : int, optional
        Also require an ``n_qubits``-qubit state (dims ``[2] * n_qubits``).
    atol : float
        Tolerance of the Hermiticity, unit-trace and positivity (eigenvalues ``>= -atol``) checks;
        default ``STATE_ATOL`` of :mod:`pqms_physics.conventions`.

    Raises
    ------
    PQMSValueError
        Naming ``name``, when ``state`` is not a valid state; :class:`~pqms_physics.errors.DimensionError`
        when its dims are wrong.

    Examples
    --------
    >>> import qutip as qt
    >>> as_density_matrix("rho", qt.basis(2, 0)).full().real.tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    import qutip as qt

    if not isinstance(state, qt.Qobj):
        raise PQMSValueError(f"{name} must be a qutip.Qobj ket or density matrix, got {type(state).__name__}")
    if state.isket:
        norm = state.norm()
        if abs(norm - 1.0) > atol:
            raise PQMSValueError(f"{name} must be a normalised ket, got norm {norm}")
        rho = qt.ket2dm(state)
    elif state.isoper:
        rho = state
    else:
        raise PQMSValueError(f"{name} must be a ket or a density matrix, got a Qobj of type {state.type!r}")
    dims = list(rho.dims[0])
    if dims != list(rho.dims[1]):
        raise DimensionError(f"{name} must be a square operator, got dims {rho.dims}")
    if n_qubits is not None and dims != [2] * n_qubits:
        raise DimensionError(f"{name} must be a {n_qubits}-qubit state with dims {[2] * n_qubits}, got {dims}")
    mat = rho.full()
    if not np.allclose(mat, mat.conj().T, atol=atol, rtol=0.0):
        raise PQMSValueError(f"{name} must be Hermitian")
    trace = np.trace(mat).real
    if abs(trace - 1.0) > atol:
        raise PQMSValueError(f"{name} must have trace 1, got {trace}")
    low = np.linalg.eigvalsh((mat + mat.conj().T) / 2).min()
    if low < -atol:
        raise PQMSValueError(f"{name} must be positive semidefinite, got smallest eigenvalue {low}")
    return rho
