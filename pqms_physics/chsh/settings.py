"""CHSH measurement settings: directions, the four-direction record, and the optimal settings of a state.

Conventions (see :mod:`pqms_physics.conventions` and :mod:`pqms_physics.chsh.exact`): a
direction is an angle in the X-Z plane (radians, 0 = +Z, pi/2 = +X, i.e.
``n = (sin t, 0, cos t)``) or a unit Bloch vector ``(n_x, n_y, n_z)``; the observable is
``n . sigma``; settings are ordered ``(a0, a1, b0, b1)``, qubit 0 (Alice) measuring
``a_i``, qubit 1 (Bob) ``b_j``. Every name here is also importable from
:mod:`pqms_physics.chsh.exact`.

References
----------
R. Horodecki, P. Horodecki, M. Horodecki, "Violating Bell inequality by mixed
spin-1/2 states: necessary and sufficient condition", Phys. Lett. A 200, 340 (1995).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.conventions import ROUNDOFF_ATOL, UNIT_NORM_ATOL
from pqms_physics.errors import PQMSValueError, check_real

#: Names of the four CHSH settings in setting-index order ``2*i + j``.
SETTING_NAMES: tuple[str, ...] = ("a0b0", "a0b1", "a1b0", "a1b1")
#: Standard X-Z-plane angles (a0, a1, b0, b1) in radians reaching 2 sqrt(2) on Phi+.
STANDARD_ANGLES: tuple[float, float, float, float] = (0.0, math.pi / 2, math.pi / 4, -math.pi / 4)


def direction(name: str, value: ArrayLike) -> np.ndarray:
    """A measurement direction as a unit Bloch vector, from an angle or a Bloch vector.

    Parameters
    ----------
    name : str
        Parameter name used in error messages.
    value : float or array_like of shape (3,)
        An angle in radians in the X-Z plane (0 = +Z, pi/2 = +X), or a real
        Bloch vector ``(n_x, n_y, n_z)`` of norm 1 (within 1e-9).

    Returns
    -------
    numpy.ndarray
        Unit vector of shape (3,), float64.

    Examples
    --------
    >>> direction("a", math.pi / 2).round(12).tolist()
    [1.0, 0.0, 0.0]
    """
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0):
        theta = check_real(name, float(value) if isinstance(value, np.ndarray) else value)
        return np.array([math.sin(theta), 0.0, math.cos(theta)])
    try:
        vec = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise PQMSValueError(
            f"{name} must be an angle (radians) or a real Bloch vector of shape (3,), got {value!r}"
        ) from None
    if vec.shape != (3,):
        raise PQMSValueError(
            f"{name} must be an angle (radians) or a Bloch vector of shape (3,), got shape {vec.shape}"
        )
    if not np.all(np.isfinite(vec)):
        raise PQMSValueError(f"{name} must be finite, got {vec.tolist()}")
    norm = float(np.linalg.norm(vec))
    if abs(norm - 1.0) > UNIT_NORM_ATOL:
        raise PQMSValueError(f"{name} must be a unit Bloch vector (norm 1 within {UNIT_NORM_ATOL}), got norm {norm}")
    return vec / norm


@dataclass(frozen=True)
class CHSHSettings:
    """Four measurement directions ``(a0, a1, b0, b1)`` as unit Bloch vectors.

    Iterating yields ``a0, a1, b0, b1`` (numpy arrays), so an instance can be
    passed wherever a 4-sequence of directions is accepted, e.g.
    ``chsh_value(rho, settings=optimal_settings(rho))``.

    Attributes
    ----------
    a0, a1 : tuple of float
        Alice's (qubit 0) directions, ``(n_x, n_y, n_z)``.
    b0, b1 : tuple of float
        Bob's (qubit 1) directions.
    """

    a0: tuple[float, float, float]
    a1: tuple[float, float, float]
    b0: tuple[float, float, float]
    b1: tuple[float, float, float]

    @classmethod
    def from_any(cls, settings: CHSHSettings | Sequence[ArrayLike], name: str = "settings") -> CHSHSettings:
        """Validate four directions (angles and/or Bloch vectors) given in the order a0, a1, b0, b1."""
        if isinstance(settings, CHSHSettings):
            return settings
        if isinstance(settings, (str, bytes)) or not isinstance(settings, (Sequence, np.ndarray)):
            raise PQMSValueError(
                f"{name} must be a sequence (a0, a1, b0, b1) of angles or Bloch vectors, got {type(settings).__name__}"
            )
        if len(settings) != 4:
            raise PQMSValueError(f"{name} must hold 4 directions (a0, a1, b0, b1), got {len(settings)}")
        labels = ("a0", "a1", "b0", "b1")
        vecs = [tuple(float(x) for x in direction(f"{name}[{k}] ({labels[k]})", s)) for k, s in enumerate(settings)]
        return cls(*vecs)

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(np.array(v) for v in (self.a0, self.a1, self.b0, self.b1))

    def matrix(self) -> np.ndarray:
        """Directions stacked as a (4, 3) array, rows a0, a1, b0, b1."""
        return np.array([self.a0, self.a1, self.b0, self.b1])

    @property
    def in_xz_plane(self) -> bool:
        """True when every direction has a zero Y component (within ``ROUNDOFF_ATOL``)."""
        return bool(np.all(np.abs(self.matrix()[:, 1]) <= ROUNDOFF_ATOL))

    @property
    def angles(self) -> tuple[float, float, float, float]:
        """X-Z-plane angles ``(a0, a1, b0, b1)`` in radians, in (-pi, pi] (0 = +Z, pi/2 = +X).

        Raises ``PQMSValueError`` when a direction has a Y component.
        """
        if not self.in_xz_plane:
            raise PQMSValueError(
                "settings must lie in the X-Z plane to be written as angles, "
                f"got Y components {self.matrix()[:, 1].tolist()}"
            )
        m = self.matrix()
        return tuple(float(math.atan2(x, z)) for x, z in zip(m[:, 0], m[:, 2], strict=True))

    def to_dict(self) -> dict:
        return {"a0": list(self.a0), "a1": list(self.a1), "b0": list(self.b0), "b1": list(self.b1)}


# ------------------------------------------------------------------ optimal settings
def _s_max_from_t(t: np.ndarray) -> float:
    sv = np.linalg.svd(t, compute_uv=False)  # descending; sv**2 = eigenvalues of T^T T
    return float(2.0 * math.sqrt(sv[0] ** 2 + sv[1] ** 2))


def _optimal_from_t(t: np.ndarray) -> list[np.ndarray]:
    """Maximising directions from the SVD ``T = U diag(s) V^T`` (s descending); ``t`` is 3x3, or the 2x2
    X-Z block (then the "directions" are 2-vectors (x, z)).

    ``S = a0.T(b0 + b1) + a1.T(b0 - b1)``; with ``b0, b1 = cos(th) v1 +- sin(th) v2``,
    ``a0 = u1``, ``a1 = u2`` and ``tan(th) = s2/s1`` this equals ``2 sqrt(s1^2 + s2^2)``.
    """
    u, s, vt = np.linalg.svd(t)
    th = math.atan2(s[1], s[0]) if s[0] > 0 else math.pi / 4
    v1, v2 = vt[0], vt[1]
    b0 = math.cos(th) * v1 + math.sin(th) * v2
    b1 = math.cos(th) * v1 - math.sin(th) * v2
    return [v / np.linalg.norm(v) for v in (u[:, 0], u[:, 1], b0, b1)]


def settings_from_correlations(t: np.ndarray) -> CHSHSettings:
    """Optimal settings from a correlation matrix ``T`` (3x3): the X-Z-plane maximiser when one reaches S_max.

    The X-Z-plane solution uses the 2x2 block of ``T`` on (x, z); it is taken when its S equals
    ``S_max`` within ``ROUNDOFF_ATOL`` (see :func:`pqms_physics.chsh.exact.optimal_settings`).
    """
    xz = [0, 2]
    block = t[np.ix_(xz, xz)]  # correlations restricted to X-Z-plane directions
    if _s_max_from_t(block) >= _s_max_from_t(t) - ROUNDOFF_ATOL:
        vecs = [np.array([v[0], 0.0, v[1]]) for v in _optimal_from_t(block)]  # (x, z) -> (x, 0, z)
    else:
        vecs = _optimal_from_t(t)
    return CHSHSettings(*(tuple(float(x) for x in v) for v in vecs))


__all__ = [
    "SETTING_NAMES",
    "STANDARD_ANGLES",
    "UNIT_NORM_ATOL",
    "CHSHSettings",
    "direction",
    "settings_from_correlations",
]
