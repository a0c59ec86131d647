"""Statistics of the NCT pool-bias test: the z-score, detection power, fixed thresholds, binomial intervals.

The pool-bias statistic itself (:func:`~pqms_physics.stats.pool_z`) and the binomial interval live in
:mod:`pqms_physics.stats`, the one home of the package's statistics; they are re-exported here.

The statistic
    Two pools of pairs; in pool ``j`` (``n_j`` pairs) the receiver's bit
    ``b = 1`` (the -1 eigenvalue, see :mod:`pqms_physics.conventions`) occurs
    ``k_j`` times. With 0/1 outcomes the pool means are ``mu_j = k_j / n_j`` and

    * ``delta_mu = mu_1 - mu_0``;
    * pooled estimate ``p_hat = (k_0 + k_1) / (n_0 + n_1)``;
    * ``stderr = sqrt(p_hat (1 - p_hat) (1/n_0 + 1/n_1))``;
    * ``z = delta_mu / stderr`` (``z = 0`` when ``stderr = 0``, which happens only
      when every receiver bit is equal, so ``delta_mu = 0`` too);
    * two-sided ``p_value = erfc(|z| / sqrt(2))`` (normal approximation); the
      RPU-style "confidence" is ``1 - p_value`` (confidence < 0.95 <=> |z| < 1.959964).

Under exact no-signalling with a maximally mixed receiver marginal (``Phi+``,
any local operation of the sender) the receiver's bits are fair coins in both
pools, so ``delta_mu`` has mean 0 and standard deviation
``sigma = sqrt(0.5 / N)`` for ``N`` pairs per pool (7.07e-5 at N = 1e8).

References
----------
.. [1] J. Cohen, *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed. (1988), ch. 6
       (two-proportion tests).
.. [2] C. J. Clopper and E. S. Pearson, "The use of confidence or fiducial limits illustrated in the case
       of the binomial", Biometrika 26, 404 (1934).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np
from scipy import special, stats

from pqms_physics.errors import PQMSValueError, check_int, check_positive, check_real
from pqms_physics.stats import PoolZ, binomial_ci, confidence_to_z, normal_isf, normal_ppf, pool_z

#: Receiver's probability of bit 1 under no-signalling with a maximally mixed marginal.
P_FAIR: float = 0.5


def no_signalling_stderr(pairs_per_pool: int | float) -> float:
    """Standard deviation ``sigma = sqrt(0.5 / N)`` of ``delta_mu`` under no-signalling (fair receiver bits).

    Parameters
    ----------
    pairs_per_pool : int
        ``N >= 1`` pairs in each of the two pools (integral floats such as ``1e8`` accepted).

    Notes
    -----
    ``Var(mu_j) = p (1 - p) / N`` with ``p = 1/2``; the two pools are independent,
    so ``Var(delta_mu) = 2 * 0.25 / N``.

    Examples
    --------
    >>> f"{no_signalling_stderr(1e8):.3e}"
    '7.071e-05'
    """
    n = check_int("pairs_per_pool", pairs_per_pool, 1)
    return math.sqrt(2.0 * P_FAIR * (1.0 - P_FAIR) / n)


def _z_sum(alpha: float, power: float) -> float:
    a = check_real("alpha", alpha)
    if not 0.0 < a < 1.0:
        raise PQMSValueError(f"alpha must be in (0, 1), got {a}")
    b = check_real("power", power)
    if not 0.0 < b < 1.0:
        raise PQMSValueError(f"power must be in (0, 1), got {b}")
    if b <= a / 2.0:
        raise PQMSValueError(f"power must be > alpha/2 = {a / 2.0} (the false-alarm rate of one tail), got {b}")
    return float(normal_isf(a / 2.0) + normal_ppf(b))


def detectable_bias(pairs_per_pool: int | float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest ``|delta_mu|`` that a two-sided level-``alpha`` test detects with probability ``power``.

    Parameters
    ----------
    pairs_per_pool : int
        ``N >= 1`` pairs per pool.
    alpha : float
        False-alarm probability of the two-sided test, in (0, 1).
    power : float
        Required detection probability, in (alpha/2, 1).

    Returns
    -------
    float
        ``(z_{1-alpha/2} + z_power) * sqrt(2 p (1 - p) / N)`` with ``p = 1/2``.

    Notes
    -----
    Normal approximation; the variance of ``delta_mu`` is taken at ``p = 1/2``
    under the alternative too (``p (1-p) <= 1/4``, so this is conservative) and
    the rejection tail on the wrong side (probability < alpha/2) is neglected.
    Accurate to a few 1e-3 in power once ``N >= 1e3`` and ``|delta_mu| << 1``.

    Examples
    --------
    >>> f"{detectable_bias(1e8, alpha=0.05, power=0.8):.3e}"
    '1.981e-04'
    """
    return _z_sum(alpha, power) * no_signalling_stderr(pairs_per_pool)


def pairs_needed(delta_mu: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Pairs per pool needed to detect a mean difference ``delta_mu`` (inverse of :func:`detectable_bias`).

    Parameters
    ----------
    delta_mu : float
        Claimed difference of the receiver's pool means (0/1 outcomes), ``0 < |delta_mu| <= 1``.
    alpha, power : float
        As in :func:`detectable_bias`.

    Returns
    -------
    int
        ``N = ceil(2 p (1-p) (z_{1-alpha/2} + z_power)**2 / delta_mu**2)``, ``p = 1/2``: the
        smallest N with ``detectable_bias(N, alpha, power) <= |delta_mu|``.

    Examples
    --------
    >>> f"{pairs_needed(1e-6):.4e}"  # a 1e-6 bias needs ~4e12 pairs per pool
    '3.9244e+12'
    """
    d = check_real("delta_mu", delta_mu)
    if not 0.0 < abs(d) <= 1.0:
        raise PQMSValueError(f"delta_mu must satisfy 0 < |delta_mu| <= 1, got {d}")
    zs = _z_sum(alpha, power)
    n = max(1, math.ceil(2.0 * P_FAIR * (1.0 - P_FAIR) * (zs / d) ** 2))
    for _ in range(4):  # ceil of a rounded float can be off by one either way; settle it exactly
        if n > 1 and detectable_bias(n - 1, alpha, power) <= abs(d):
            n -= 1
        elif detectable_bias(n, alpha, power) > abs(d):
            n += 1
        else:
            break
    return n


@dataclass(frozen=True)
class ThresholdPassResult:
    """Probability that a fixed-threshold claim ``|delta_mu| < threshold`` holds under exact no-signalling.

    Attributes
    ----------
    threshold : float
        The claimed bound on ``|delta_mu|`` (0/1 outcomes).
    pairs_per_pool : int
        ``N``.
    sigma : float
        ``sqrt(0.5/N)``, the standard deviation of ``delta_mu``.
    threshold_in_sigma : float
        ``k = threshold / sigma``: the claim is the k-sigma test with this k.
    probability_exact : float
        ``P(|K_1 - K_0| < threshold * N)`` for independent ``K_j ~ Binomial(N, 1/2)``.
    probability_normal : float
        Normal approximation ``erf(k / sqrt(2))``.
    max_abs_count_difference : int
        Largest ``|K_1 - K_0|`` that passes (``-1`` if none can).
    """

    threshold: float
    pairs_per_pool: int
    sigma: float
    threshold_in_sigma: float
    probability_exact: float
    probability_normal: float
    max_abs_count_difference: int

    def to_dict(self) -> dict:
        return asdict(self)


def threshold_pass_probability(threshold: float, pairs_per_pool: int | float) -> ThresholdPassResult:
    """Probability that ``|delta_mu| < threshold`` under exact no-signalling (fair receiver bits, two pools).

    Parameters
    ----------
    threshold : float
        Bound on ``|delta_mu|`` in units of the 0/1 mean, ``> 0``. The comparison is strict.
    pairs_per_pool : int
        ``N >= 1`` pairs per pool.

    Returns
    -------
    ThresholdPassResult
        Exact and normal-approximation probabilities, and ``threshold / sigma``.

    Notes
    -----
    ``delta_mu = (K_1 - K_0)/N`` is a multiple of ``1/N``. Since ``N - K_0`` is
    again ``Binomial(N, 1/2)`` and independent of ``K_1``, ``M = K_1 + N - K_0`` is
    ``Binomial(2N, 1/2)`` and ``K_1 - K_0 = M - N``; hence exactly
    ``P = P(|M - N| <= d)`` with ``d = ceil(threshold * N) - 1``, evaluated with
    ``threshold`` read as the decimal it prints as (``1e-6`` is exactly 1/10**6).
    For ``d <= 1e5`` the pmf terms are summed, otherwise ``1 - 2 P(M > N + d)``
    (both via scipy's binomial distribution, accurate to ~1e-14 absolute).
    The normal approximation is ``erf(threshold / (sigma sqrt 2))``.

    A fixed threshold is not a meaningful no-signalling criterion: for a
    threshold far below ``sigma`` it almost always *fails* under exact quantum
    mechanics. Use the k-sigma form ``|delta_mu| < k sqrt(0.5/N)``, which passes
    with probability ``erf(k/sqrt 2)`` (k = 3: 99.73%, k = 5: 1 - 5.7e-7).

    Examples
    --------
    >>> r = threshold_pass_probability(1e-6, 1e8)  # the design documents' claim
    >>> round(r.probability_exact, 4), round(r.threshold_in_sigma, 5)
    (0.0112, 0.01414)
    """
    t = check_positive("threshold", threshold)
    n = check_int("pairs_per_pool", pairs_per_pool, 1)
    sigma = no_signalling_stderr(n)
    limit = Fraction(repr(t)) * n  # |K1 - K0| < limit, exactly
    d = math.ceil(limit) - 1
    d = min(d, n)  # |K1 - K0| <= N always
    if d < 0:
        exact = 0.0
    elif d <= 100_000:
        m = np.arange(n - d, n + d + 1)
        exact = float(np.sum(stats.binom.pmf(m, 2 * n, 0.5)))
    else:
        exact = float(1.0 - 2.0 * stats.binom.sf(n + d, 2 * n, 0.5))
    k = t / sigma
    return ThresholdPassResult(
        threshold=t,
        pairs_per_pool=n,
        sigma=sigma,
        threshold_in_sigma=k,
        probability_exact=min(exact, 1.0),
        probability_normal=float(special.erf(k / math.sqrt(2))),
        max_abs_count_difference=int(d),
    )


__all__ = [
    "PoolZ",
    "pool_z",
    "no_signalling_stderr",
    "detectable_bias",
    "pairs_needed",
    "ThresholdPassResult",
    "threshold_pass_probability",
    "binomial_ci",
    "confidence_to_z",
    "P_FAIR",
]
