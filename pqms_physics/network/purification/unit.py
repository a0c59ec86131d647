"""The distillation unit's interface for the time engine: noisy BBPSSW as bilinear forms in the Werner parameters.

The exact time engine (:mod:`pqms_physics.network.protocols.units`, after Li, Coopmans, Elkouss) carries, per
round, the delivery probability and the Werner-weighted delivery probability of a link. A distillation attempt
on two independent Werner links of parameters ``w1``, ``w2`` (after memory decay) fits that bookkeeping
exactly when its success probability ``P`` and its Werner-weighted success ``P w'`` are bilinear in ``w1``
(the kept pair) and ``w2`` (the measured pair). They are, for BBPSSW with the Duer et al. (1999) noise,
because the closed-form map of :mod:`~pqms_physics.network.purification.bell_diagonal` is bilinear in the two
input weight vectors and a Werner state's weights are affine in ``w`` (``F = (1 + 3w)/4``)::

    P(w1, w2)    = c0 + c_kept w1 + c_measured w2 + c2 w1 w2
    P w'(w1, w2) = d0 + d_kept w1 + d_measured w2 + d2 w1 w2

With perfect operations ``c = (1/2, 0, 0, 1/2)`` and ``d = (0, 1/6, 1/6, 2/3)``: ``P = (1 + w1 w2)/2`` and
``w' = (w1 + w2 + 4 w1 w2) / (3 (1 + w1 w2))``, the form the engine's ``distil_attempt`` uses today. With
readout errors ``d_kept != d_measured``: a misread parity keeps pair 1 whatever pair 2 was, so the kept pair
matters more (which link is kept, the older or the fresher, then changes the result). The engine's unit can
take these coefficients for noisy gates and readout.

References
----------
B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 4103015 (2021); C. H. Bennett et al., Phys. Rev.
Lett. 76, 722 (1996); W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import check_probability
from pqms_physics.network.purification import bell_diagonal as bd


@dataclass(frozen=True)
class DistilCoefficients:
    """``P = c0 + c_kept w1 + c_measured w2 + c2 w1 w2``, ``P w'`` likewise with ``d`` (module docstring)."""

    c0: float
    c_kept: float
    c_measured: float
    c2: float
    d0: float
    d_kept: float
    d_measured: float
    d2: float
    gate_fidelity: float
    measurement_fidelity: float

    def success_probability(self, w1: ArrayLike, w2: ArrayLike) -> np.ndarray:
        """``P(w1, w2)`` (``w1``: kept pair, ``w2``: measured pair)."""
        w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
        return self.c0 + self.c_kept * w1 + self.c_measured * w2 + self.c2 * w1 * w2

    def weighted_werner(self, w1: ArrayLike, w2: ArrayLike) -> np.ndarray:
        """``P w'(w1, w2)``: the output Werner parameter times the success probability."""
        w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
        return self.d0 + self.d_kept * w1 + self.d_measured * w2 + self.d2 * w1 * w2

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: float(getattr(self, k)) for k in self.__dataclass_fields__}


def bbpssw_werner_coefficients(gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0) -> DistilCoefficients:
    """Bilinear coefficients of noisy BBPSSW in the Werner parameters (the time engine's distillation unit).

    Parameters
    ----------
    gate_fidelity, measurement_fidelity : float
        ``p2`` and ``eta`` in [0, 1] (Duer et al. 1999 noise).

    Returns
    -------
    DistilCoefficients

    Notes
    -----
    The map is bilinear, so its values at ``w1, w2 in {0, 1}`` fix it: ``c0 = P(0, 0)``,
    ``c_kept = P(1, 0) - P(0, 0)``, ``c_measured = P(0, 1) - P(0, 0)``, ``c2 = P(1, 1) - P(1, 0) - P(0, 1) + P(0, 0)``,
    and the same for ``P w' = (4 P F' - P)/3``.

    Examples
    --------
    >>> c = bbpssw_werner_coefficients()
    >>> print(f"{c.c0:.4f} {c.c_kept:.4f} {c.c2:.4f} {c.d0:.4f} {c.d_kept:.4f} {c.d_measured:.4f} {c.d2:.4f}")
    0.5000 0.0000 0.5000 0.0000 0.1667 0.1667 0.6667
    """
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    w = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    f_out, p = bd.bbpssw_fidelity((1 + 3 * w[:, 0]) / 4, (1 + 3 * w[:, 1]) / 4, p2, eta)
    pw = (4.0 * p * f_out - p) / 3.0
    coef = []
    for v in (p, pw):
        v00, v10, v01, v11 = v
        coef += [v00, v10 - v00, v01 - v00, v11 - v10 - v01 + v00]
    return DistilCoefficients(*(float(x) for x in coef), gate_fidelity=p2, measurement_fidelity=eta)


__all__ = ["DistilCoefficients", "bbpssw_werner_coefficients"]
