"""Exact outcome tables of the RPU golden-vector cases: Werner pairs measured at given angles, NCT pools, CHSH
settings, and a deliberately signalling (biased) table. Plain NumPy closed forms, no QuTiP."""

from __future__ import annotations

import math

import numpy as np

from pqms_physics.errors import check_probability


def werner_table(visibility: float, angles: list[tuple[float, float]]) -> np.ndarray:
    """Outcome probabilities of the Werner state ``v |Phi+><Phi+| + (1 - v) I/4``.

    Row ``s`` is the distribution of ``2*a + b`` when qubit 0 is measured along angle
    ``angles[s][0]`` and qubit 1 along ``angles[s][1]`` (radians, X-Z plane, 0 = Z)::

        p(a, b) = (1 + (-1)**(a XOR b) v cos(theta_0 - theta_1)) / 4.

    Both marginals are 1/2 whatever the angles (no-communication theorem).

    Examples
    --------
    >>> werner_table(1.0, [(0.0, 0.0)]).tolist()
    [[0.5, 0.0, 0.0, 0.5]]
    """
    v = check_probability("visibility", visibility)
    rows = []
    for ta, tb in angles:
        e = v * math.cos(ta - tb)
        rows.append([(1 + e) / 4, (1 - e) / 4, (1 - e) / 4, (1 + e) / 4])
    return np.array(rows)


def nct_table(visibility: float) -> np.ndarray:
    """Pool-bias experiment: pool 0 = sender measures Z, pool 1 = sender measures X; the
    receiver always measures Z. The receiver's ``P(b = 1) = 1/2`` in both pools."""
    return werner_table(visibility, [(0.0, 0.0), (math.pi / 2, 0.0)])


def chsh_table(visibility: float) -> np.ndarray:
    """CHSH settings ``(a0 b0, a0 b1, a1 b0, a1 b1)`` with ``a = 0, pi/2`` and
    ``b = pi/4, -pi/4``: ``E = (1, 1, 1, -1) v / sqrt(2)``, ``S = 2 sqrt(2) v``."""
    a, b = (0.0, math.pi / 2), (math.pi / 4, -math.pi / 4)
    return werner_table(visibility, [(a[i], b[j]) for i in (0, 1) for j in (0, 1)])


def signalling_table(bias: float) -> np.ndarray:
    """Synthetic hardware stimulus that *violates* no-signalling on purpose: the receiver's
    ``P(b = 1)`` is 1/2 in pool 0 and ``1/2 + bias`` in pool 1. No quantum state produces it;
    it exists to exercise the decision path of the RPU."""
    q = 0.5 + bias
    check_probability("0.5 + bias", q)
    return np.array([[0.25] * 4, [(1 - q) / 2, q / 2, (1 - q) / 2, q / 2]])


__all__ = ["werner_table", "nct_table", "chsh_table", "signalling_table"]
