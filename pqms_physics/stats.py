"""Statistics used across the package, defined once: normal quantiles, confidence intervals, the pooled z.

* :func:`normal_ppf`, :func:`normal_isf` and :func:`confidence_to_z`: standard normal quantiles (SciPy);
* :class:`ConfidenceInterval` and :func:`wald_interval`: ``estimate -+ z stderr``;
* :func:`binomial_ci`: the Clopper–Pearson exact interval for a proportion;
* :func:`pool_z` / :class:`PoolZ`: the two-pool difference of means, its pooled standard error, z-score and
  two-sided p-value, the statistic of the NCT pool-bias test and of the FPGA RPU.

References
----------
.. [1] J. Cohen, *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed. (1988), ch. 6
       (two-proportion tests).
.. [2] C. J. Clopper and E. S. Pearson, "The use of confidence or fiducial limits illustrated in the case
       of the binomial", Biometrika 26, 404 (1934).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from pqms_physics.errors import PQMSValueError, check_in_range, check_int, check_real


def normal_ppf(p: ArrayLike) -> float | np.ndarray:
    """Standard normal quantile ``Phi^-1(p)`` (float or array).

    Examples
    --------
    >>> print(f"{normal_ppf(0.975):.6f}")
    1.959964
    """
    out = stats.norm.ppf(p)
    return float(out) if np.ndim(out) == 0 else out


def normal_isf(p: ArrayLike) -> float | np.ndarray:
    """Upper-tail standard normal quantile ``Phi^-1(1 - p)``, accurate for tiny ``p`` (float or array).

    Examples
    --------
    >>> print(f"{normal_isf(1e-12):.4f}")
    7.0345
    """
    out = stats.norm.isf(p)
    return float(out) if np.ndim(out) == 0 else out


def confidence_to_z(confidence: float) -> float:
    """``|z|`` at which the two-sided confidence ``1 - p_value`` equals ``confidence`` (0.95 -> 1.959964)."""
    c = check_in_range("confidence", confidence, 0.0, 1.0)
    if not 0.0 < c < 1.0:
        raise PQMSValueError(f"confidence must be in (0, 1), got {c}")
    return float(normal_isf((1.0 - c) / 2.0))


class ConfidenceInterval(NamedTuple):
    """Two-sided confidence interval ``[low, high]``."""

    low: float
    high: float


def wald_interval(estimate: float, stderr: float, level: float = 0.95) -> ConfidenceInterval:
    """Two-sided Wald interval ``estimate -+ z stderr`` with ``z = Phi^-1((1 + level)/2)``.

    Examples
    --------
    >>> lo, hi = wald_interval(2.0, 0.1, 0.95)
    >>> print(f"{lo:.4f} {hi:.4f}")
    1.8040 2.1960
    """
    lev = check_in_range("level", level, 0.0, 1.0)
    if lev in (0.0, 1.0):
        raise PQMSValueError(f"level must be in the open interval (0, 1), got {lev}")
    z = confidence_to_z(lev)
    return ConfidenceInterval(float(estimate - z * stderr), float(estimate + z * stderr))


def binomial_ci(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson (exact) two-sided confidence interval for a binomial proportion.

    Parameters
    ----------
    successes : int
        ``0 <= k <= n``.
    trials : int
        ``n >= 0``; for ``n = 0`` the interval is ``(0.0, 1.0)``.
    level : float
        Confidence level in (0, 1).

    Notes
    -----
    ``lower = B^{-1}(a/2; k, n-k+1)`` (0 if k = 0), ``upper = B^{-1}(1-a/2; k+1, n-k)``
    (1 if k = n), ``a = 1 - level``, with ``B^{-1}`` the beta quantile [2]_. Coverage is
    at least ``level`` for every true proportion.

    Examples
    --------
    >>> tuple(round(x, 4) for x in binomial_ci(5, 10))
    (0.1871, 0.8129)
    """
    n = check_int("trials", trials, 0)
    k = check_int("successes", successes, 0, n)
    lev = check_real("level", level)
    if not 0.0 < lev < 1.0:
        raise PQMSValueError(f"level must be in (0, 1), got {lev}")
    if n == 0:
        return (0.0, 1.0)
    a = 1.0 - lev
    lower = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return (lower, upper)


@dataclass(frozen=True, eq=False)
class PoolZ:
    """The pool-bias statistic for one or many (vectorised) pool pairs; see the module docstring."""

    delta_mu: np.ndarray | float
    stderr: np.ndarray | float
    z: np.ndarray | float
    p_value: np.ndarray | float


def pool_z(ones_0: ArrayLike, ones_1: ArrayLike, n_0: ArrayLike, n_1: ArrayLike) -> PoolZ:
    """Difference of the receiver's pool means, its pooled standard error, z-score and two-sided p-value.

    Parameters
    ----------
    ones_0, ones_1 : int or array of int
        Number of receiver bits equal to 1 in pool 0 and pool 1 (``0 <= ones_j <= n_j``).
    n_0, n_1 : int or array of int
        Pairs in pool 0 and pool 1 (``>= 1``). Arrays broadcast (e.g. one entry per window).

    Returns
    -------
    PoolZ
        ``delta_mu = ones_1/n_1 - ones_0/n_0``, ``stderr``, ``z`` and ``p_value`` (floats for scalar input).

    Notes
    -----
    ``stderr = sqrt(p_hat (1 - p_hat) (1/n_0 + 1/n_1))`` with the pooled ``p_hat``
    (the estimator the FPGA RPU implements); ``p_value = erfc(|z|/sqrt(2))``.
    This is a trusted helper: it checks only that counts are in range.

    Examples
    --------
    >>> s = pool_z(500, 560, 1000, 1000)
    >>> round(s.delta_mu, 3), round(s.z, 3)
    (0.06, 2.688)
    """
    k0, k1 = np.asarray(ones_0, dtype=np.float64), np.asarray(ones_1, dtype=np.float64)
    m0, m1 = np.asarray(n_0, dtype=np.float64), np.asarray(n_1, dtype=np.float64)
    for name, k, m in (("0", k0, m0), ("1", k1, m1)):
        if np.any(m < 1):
            raise PQMSValueError(f"n_{name} must be >= 1, got {n_0 if name == '0' else n_1}")
        if np.any(k < 0) or np.any(k > m):
            raise PQMSValueError(
                f"ones_{name} must be in [0, n_{name}], got ones_{name}="
                f"{ones_0 if name == '0' else ones_1}, n_{name}={n_0 if name == '0' else n_1}"
            )
    delta = k1 / m1 - k0 / m0
    p_hat = (k0 + k1) / (m0 + m1)
    stderr = np.sqrt(p_hat * (1.0 - p_hat) * (1.0 / m0 + 1.0 / m1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(stderr > 0, delta / np.where(stderr > 0, stderr, 1.0), 0.0)
    p_value = special.erfc(np.abs(z) / math.sqrt(2.0))
    if np.ndim(delta) == 0:
        return PoolZ(float(delta), float(stderr), float(z), float(p_value))
    return PoolZ(delta, stderr, z, p_value)


__all__ = [
    "normal_ppf",
    "normal_isf",
    "confidence_to_z",
    "ConfidenceInterval",
    "wald_interval",
    "binomial_ci",
    "PoolZ",
    "pool_z",
]
