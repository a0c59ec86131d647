"""Errors raised by pqms_physics, and the declarative checks that raise them.

Every check names the parameter, the allowed range and the value received, e.g.
``ValueError("gamma_per_s must be >= 0, got -1.0")``. Checks are used at the
public boundary only; internal kernels trust their inputs.
"""

from __future__ import annotations

import math
import numbers
from typing import Any


class PQMSValueError(ValueError):
    """A public function received a value outside its documented domain."""


class DimensionError(PQMSValueError):
    """Operands have incompatible Hilbert-space dimensions."""


class NotCPTPError(PQMSValueError):
    """A map that must be completely positive and trace preserving is not."""


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{value}"


def check_real(name: str, value: Any) -> float:
    """Return ``value`` as a finite float or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PQMSValueError(f"{name} must be a real number, got {_fmt(value)}")
    v = float(value)
    if not math.isfinite(v):
        raise PQMSValueError(f"{name} must be finite, got {v}")
    return v


def check_nonnegative(name: str, value: Any) -> float:
    """A finite real ``>= 0``."""
    v = check_real(name, value)
    if v < 0:
        raise PQMSValueError(f"{name} must be >= 0, got {v}")
    return v


def check_positive(name: str, value: Any) -> float:
    """A finite real ``> 0``."""
    v = check_real(name, value)
    if v <= 0:
        raise PQMSValueError(f"{name} must be > 0, got {v}")
    return v


def check_in_range(name: str, value: Any, low: float, high: float) -> float:
    """A finite real in the closed interval ``[low, high]``."""
    v = check_real(name, value)
    if not (low <= v <= high):
        raise PQMSValueError(f"{name} must be in [{low}, {high}], got {v}")
    return v


def check_probability(name: str, value: Any) -> float:
    """A probability in ``[0, 1]``; nothing is clipped."""
    return check_in_range(name, value, 0.0, 1.0)


def check_int(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (Python or NumPy; an integral float such as ``1e8`` is accepted)
    within ``[minimum, maximum]``."""
    if isinstance(value, bool):
        raise PQMSValueError(f"{name} must be an integer, got {value}")
    if isinstance(value, numbers.Integral):
        v = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        v = int(value)
    else:
        raise PQMSValueError(f"{name} must be an integer, got {_fmt(value)}")
    if minimum is not None and v < minimum:
        raise PQMSValueError(f"{name} must be >= {minimum}, got {v}")
    if maximum is not None and v > maximum:
        raise PQMSValueError(f"{name} must be <= {maximum}, got {v}")
    return v


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if value not in choices:
        raise PQMSValueError(f"{name} must be one of {list(choices)}, got {_fmt(value)}")
    return value


def check_seed(name: str, value: Any) -> int:
    """A seed: an integer in ``[0, 2**64 - 1]``."""
    return check_int(name, value, 0, 2**64 - 1)
