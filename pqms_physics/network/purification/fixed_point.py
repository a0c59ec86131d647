"""Fixed points of the purification recurrence with identical copies: ``F_min(p2, eta)`` and ``F_max(p2, eta)``.

``F_max`` is the stable fixed point (the best fidelity the recurrence reaches, however many rounds);
``F_min`` the unstable one: the smallest Werner input fidelity that the recurrence drives up to ``F_max``.

* **BBPSSW** stays on Werner states, so the fixed points solve ``F = f(F)`` for the one-dimensional map. With
  ``f = n(F)/d(F)`` (quadratics in ``F``), ``n(F) - F d(F)`` is a cubic with the root ``F = 1/4`` (the
  maximally mixed state is always fixed); ``F_min`` and ``F_max`` are the roots of the remaining quadratic.
  Perfect operations: ``F_min = 1/2``, ``F_max = 1``.
* **DEJMPS** leaves the Werner family, so the fixed point is found on the Bell weights: ``F_max`` by iterating
  from ``|Phi+>`` to convergence, ``F_min`` by bisection over Werner inputs (refined grids, each point iterated
  until it is decided).

References
----------
W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999) (Figs. 3-4: ``F_max`` and
``F_min`` against gate noise); C. H. Bennett et al., Phys. Rev. Lett. 76, 722 (1996).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import Polynomial

from pqms_physics.errors import check_choice, check_probability
from pqms_physics.network.purification import bell_diagonal as bd
from pqms_physics.network.purification.pumping import PROTOCOLS
from pqms_physics.network.purification.result import FixedPoints

_NAN4 = (math.nan,) * 4


def _bbpssw(p2: float, eta: float) -> FixedPoints:
    f = Polynomial([0.0, 1.0])
    q = (1.0 - f) / 3.0
    s = p2 * p2
    eps = 2.0 * eta * (1.0 - eta)
    # the Werner case of bell_diagonal.recurrence_unnormalised, as polynomials in F (same bookkeeping, written
    # for polynomials: identical copies a = F, b = c = d = q)
    m0 = [f * f + q * q, 2 * q * q, 2 * q * q, 2 * f * q]
    m1 = [f * q + q * q, f * q + q * q, f * q + q * q, f * q + q * q]
    o = [s * (1 - eps) * a + s * eps * b + (1 - s) / 8 for a, b in zip(m0, m1, strict=True)]
    num, den = o[0], o[0] + o[1] + o[2] + o[3]
    cubic = num - f * den
    quad, _ = divmod(cubic, Polynomial([-0.25, 1.0]))
    c0, c1, c2 = (list(quad.coef) + [0.0, 0.0, 0.0])[:3]
    disc = c1 * c1 - 4 * c2 * c0
    if abs(c2) < 1e-300 or disc < 0:
        return FixedPoints("bbpssw", math.nan, math.nan, p2, eta)
    root = math.sqrt(disc)
    r1, r2 = sorted(((-c1 - root) / (2 * c2), (-c1 + root) / (2 * c2)))
    if not (0.25 < r1 < r2 <= 1.0 + 1e-12):
        return FixedPoints("bbpssw", math.nan, math.nan, p2, eta)
    r2 = min(r2, 1.0)
    return FixedPoints("bbpssw", float(r1), float(r2), p2, eta, tuple(float(x) for x in bd.werner_from_fidelity(r2)))


def _iterate_to_fixed_point(w: np.ndarray, p2: float, eta: float, max_rounds: int = 100_000) -> np.ndarray:
    for _ in range(max_rounds):
        new, _ = bd.dejmps_weights(w, w, p2, eta)
        if np.abs(new - w).max() < 1e-15:
            return new
        w = new
    return w


def _dejmps(p2: float, eta: float) -> FixedPoints:
    w_max = _iterate_to_fixed_point(np.array([1.0, 0.0, 0.0, 0.0]), p2, eta)
    f_max = float(w_max[0])
    if f_max <= 0.5 + 1e-12:
        return FixedPoints("dejmps", math.nan, math.nan, p2, eta)
    # bisection over Werner inputs on refined grids: a point is "up" once its fidelity is within reach of
    # F_max, "down" once it has fallen to 1/2 or below (no LOCC map can entangle a separable Bell-diagonal state)
    lo, hi = 0.5, f_max
    while hi - lo > 1e-13:
        grid = np.linspace(lo, hi, 65)
        w = bd.werner_from_fidelity(grid)
        decided = np.zeros(grid.shape, dtype=bool)
        up = np.zeros(grid.shape, dtype=bool)
        for _ in range(20_000):
            w, _ = bd.dejmps_weights(w, w, p2, eta)
            f = w[..., 0]
            newly_up = ~decided & (np.abs(f - f_max) < 1e-3 * (f_max - 0.5))
            newly_down = ~decided & (f <= 0.5)
            up |= newly_up
            decided |= newly_up | newly_down
            if decided.all():
                break
        first = int(np.argmax(up)) if up.any() else len(grid) - 1
        lo, hi = float(grid[max(first - 1, 0)]), float(grid[first])
        if first == 0:
            break
    return FixedPoints("dejmps", hi, f_max, p2, eta, tuple(float(x) for x in w_max))


def purification_fixed_point(
    protocol: str = "dejmps", *, gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0
) -> FixedPoints:
    """Unstable and stable fixed points ``(F_min, F_max)`` of the recurrence with identical copies.

    Parameters
    ----------
    protocol : {"dejmps", "bbpssw"}
    gate_fidelity : float, optional
        ``p2`` in [0, 1] (two-qubit depolarising after each CNOT). Default 1.
    measurement_fidelity : float, optional
        ``eta`` in [0, 1] (each measured bit right with probability ``eta``). Default 1.

    Returns
    -------
    FixedPoints
        Unpacks as ``f_min, f_max``; both ``nan`` (and ``purifiable`` False) when the noise leaves no
        purifiable input (the two fixed points have merged).

    Notes
    -----
    BBPSSW: roots of ``n(F) - F d(F) = (F - 1/4) Q(F)``, closed form. DEJMPS: numerical (iteration to
    ``1e-15`` for ``F_max``; bisection to ``1e-13`` over Werner inputs for ``F_min``).

    References
    ----------
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> f_min, f_max = purification_fixed_point("bbpssw")
    >>> print(f"{f_min:.6f} {f_max:.6f}")
    0.500000 1.000000
    >>> fp = purification_fixed_point("dejmps", gate_fidelity=0.99, measurement_fidelity=0.99)
    >>> print(f"{fp.f_min:.4f} {fp.f_max:.4f}")
    0.5275 0.9860
    """
    check_choice("protocol", protocol, PROTOCOLS)
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    return _bbpssw(p2, eta) if protocol == "bbpssw" else _dejmps(p2, eta)


__all__ = ["purification_fixed_point"]
