"""Fidelity to Phi+ from the three correlators XX, YY, ZZ, with a confidence interval.

``|Phi+><Phi+| = (II + XX - YY + ZZ)/4``, so for any two-qubit state ``F = <Phi+|rho|Phi+> =
(1 + <XX> - <YY> + <ZZ>)/4``: three local measurement settings suffice, whatever the state (no tomography, no
assumption of Werner or Bell-diagonal form).

References
----------
.. [1] O. Guehne and G. Toth, "Entanglement detection", Phys. Rep. 474, 1 (2009), sec. 6 (local decompositions of
       projector witnesses).
.. [2] D. F. V. James, P. G. Kwiat, W. J. Munro, A. G. White, PRA 64, 052312 (2001).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.chsh.exact import correlators_from_table
from pqms_physics.errors import PQMSValueError
from pqms_physics.stats import wald_interval
from pqms_physics.tomography.pauli import SETTING_NAMES, check_count_table
from pqms_physics.validation import int_array

if TYPE_CHECKING:
    from pqms_physics.kernels.result import SampleCounts

#: Coefficients of <XX>, <YY>, <ZZ> in ``4F - 1``.
PHI_PLUS_SIGNS: tuple[float, float, float] = (1.0, -1.0, 1.0)


@dataclass(frozen=True, eq=False)
class CorrelatorFidelity:
    """Phi+ fidelity estimated from XX, YY, ZZ counts.

    Attributes
    ----------
    fidelity : float
        ``(1 + E_xx - E_yy + E_zz)/4``.
    stderr : float
        Its standard error, ``sqrt(sum_k (1 - E_k^2)/n_k)/4``.
    ci_low, ci_high : float
        Two-sided Wald interval at ``level`` (not clipped to [0, 1]).
    level : float
        Confidence level.
    correlators : tuple of float
        ``(E_xx, E_yy, E_zz)``.
    correlator_stderrs : tuple of float
        ``sqrt((1 - E_k^2)/n_k)``.
    pairs : tuple of int
        Counts per setting ``(n_xx, n_yy, n_zz)``.
    """

    fidelity: float
    stderr: float
    ci_low: float
    ci_high: float
    level: float
    correlators: tuple[float, float, float]
    correlator_stderrs: tuple[float, float, float]
    pairs: tuple[int, int, int]

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the confidence interval."""
        return self.ci_low <= value <= self.ci_high

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "fidelity": self.fidelity,
            "stderr": self.stderr,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "level": self.level,
            "correlators": list(self.correlators),
            "correlator_stderrs": list(self.correlator_stderrs),
            "pairs": list(self.pairs),
        }


def _outcome_counts(name: str, counts: ArrayLike) -> np.ndarray:
    arr = int_array(name, counts, 0)
    if arr.shape != (4,):
        raise PQMSValueError(f"{name} must have shape (4,) (outcomes 00, 01, 10, 11), got shape {arr.shape}")
    if arr.sum() < 1:
        raise PQMSValueError(f"{name} must hold at least one count, got {arr.tolist()}")
    return arr


def fidelity_from_correlators(
    counts_xx: ArrayLike, counts_yy: ArrayLike, counts_zz: ArrayLike, level: float = 0.95
) -> CorrelatorFidelity:
    """Fidelity to ``Phi+`` from outcome counts of the XX, YY and ZZ settings, with a Wald interval.

    Parameters
    ----------
    counts_xx, counts_yy, counts_zz : array_like of int, shape (4,)
        Counts of outcomes ``00, 01, 10, 11`` (index ``2a + b``, bit 0 = eigenvalue +1) when both qubits measure
        X, Y, Z respectively; non-negative integers, at least one count each.
    level : float, optional
        Confidence level in (0, 1).

    Returns
    -------
    CorrelatorFidelity
        Estimate, standard error, interval, correlators and counts.

    Notes
    -----
    ``F = (1 + E_xx - E_yy + E_zz)/4`` with ``E = (n_00 - n_01 - n_10 + n_11)/n`` [1]_. The settings are sampled
    independently, so ``Var F = sum_k Var E_k / 16`` with the binomial ``Var E_k = (1 - E_k^2)/n_k`` evaluated at
    the estimate; the interval is ``F -+ z stderr`` (:func:`pqms_physics.stats.wald_interval`). When every
    correlator is exactly +-1 the estimated variance is 0 and so is the width: the Wald interval's known failure
    at the boundary; use more pairs or a bootstrap of a tomography then.

    References
    ----------
    .. [1] O. Guehne and G. Toth, Phys. Rep. 474, 1 (2009).

    Examples
    --------
    >>> r = fidelity_from_correlators([450, 50, 50, 450], [60, 440, 440, 60], [470, 30, 30, 470])
    >>> print(f"{r.fidelity:.4f} [{r.ci_low:.4f}, {r.ci_high:.4f}]")
    0.8600 [0.8444, 0.8756]
    """
    tables = np.stack(
        [
            _outcome_counts(n, c)
            for n, c in (("counts_xx", counts_xx), ("counts_yy", counts_yy), ("counts_zz", counts_zz))
        ]
    )
    pairs = tables.sum(axis=1)
    e = correlators_from_table(tables / pairs[:, None])
    var = np.maximum(1.0 - e * e, 0.0) / pairs
    fid = (1.0 + float(np.dot(PHI_PLUS_SIGNS, e))) / 4.0
    stderr = float(np.sqrt(var.sum())) / 4.0
    low, high = wald_interval(fid, stderr, level)
    return CorrelatorFidelity(
        fidelity=fid,
        stderr=stderr,
        ci_low=low,
        ci_high=high,
        level=float(level),
        correlators=tuple(float(x) for x in e),
        correlator_stderrs=tuple(float(x) for x in np.sqrt(var)),
        pairs=tuple(int(x) for x in pairs),
    )


def fidelity_from_pauli_counts(counts: ArrayLike | SampleCounts, level: float = 0.95) -> CorrelatorFidelity:
    """:func:`fidelity_from_correlators` on the ``xx``, ``yy``, ``zz`` rows of a (9, 4) Pauli count table.

    Parameters
    ----------
    counts : array_like of int, shape (9, 4), or SampleCounts
        Table in the layout of :mod:`pqms_physics.tomography.pauli`.
    level : float, optional
        Confidence level in (0, 1).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> from pqms_physics.tomography.pauli import pauli_outcome_table
    >>> counts = (3600 * pauli_outcome_table(werner_state(0.9))).round()  # expected counts, whole numbers here
    >>> print(f"{fidelity_from_pauli_counts(counts).fidelity:.4f}")
    0.9000
    """
    table = check_count_table("counts", counts)
    rows = [table[SETTING_NAMES.index(s)] for s in ("xx", "yy", "zz")]
    return fidelity_from_correlators(*rows, level=level)


__all__ = ["PHI_PLUS_SIGNS", "CorrelatorFidelity", "fidelity_from_correlators", "fidelity_from_pauli_counts"]
