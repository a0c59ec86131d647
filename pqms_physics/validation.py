"""Array versions of the boundary checks in :mod:`pqms_physics.errors`.

Vectorised public functions (sweeps over fidelities, distances, probabilities)
validate every element and report the first offending value in the same words
as the scalar checks: ``"length_km must be >= 0, got -1.0"``. Nothing is
clipped. (A candidate for :mod:`pqms_physics.errors`; kept private here.)
"""

from __future__ import annotations

import numbers

import numpy as np

from pqms_physics.errors import PQMSValueError


def real_array(name: str, values) -> np.ndarray:
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


def in_range_array(name: str, values, low: float, high: float) -> np.ndarray:
    """Every element in the closed interval ``[low, high]``."""
    arr = real_array(name, values)
    bad = (arr < low) | (arr > high)
    if bad.any():
        raise PQMSValueError(f"{name} must be in [{low}, {high}], got {arr[bad].flat[0]}")
    return arr


def nonnegative_array(name: str, values) -> np.ndarray:
    """Every element ``>= 0``."""
    arr = real_array(name, values)
    bad = arr < 0
    if bad.any():
        raise PQMSValueError(f"{name} must be >= 0, got {arr[bad].flat[0]}")
    return arr


def int_array(name: str, values, minimum: int) -> np.ndarray:
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


def scalar_or_array(arr: np.ndarray):
    """A 0-d result as a Python float, anything else unchanged."""
    return float(arr) if np.ndim(arr) == 0 else arr
