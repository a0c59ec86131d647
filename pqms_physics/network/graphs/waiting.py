"""Mean waiting time of the parallel-then-swap model for links of different success probabilities.

Every link of a route is attempted each round until it succeeds (perfect memories keep a success); the
swaps happen, deterministically, once all exist. The number of rounds is ``T = max_i G_i`` with independent
``G_i ~ Geometric(p_i)`` on ``{1, 2, ...}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.integrate import quad

from pqms_physics.network.bounds import expected_attempts

#: Below this smallest success probability the exact series needs more than ~4e6 terms: the
#: continuous (exponential) approximation with the Euler–Maclaurin end correction is used instead.
SERIES_MIN_P: float = 1e-5


def expected_rounds(p_links: Sequence[float]) -> float:
    """Mean number of attempt rounds ``E[max_i G_i]`` until every link of a route exists (trusted inputs).

    Parameters
    ----------
    p_links : sequence of float
        Per-attempt success probabilities in [0, 1] (one per link); any 0 gives ``inf``.

    Returns
    -------
    float
        Mean rounds, ``>= 1``.

    Notes
    -----
    ``E[T] = sum_{t >= 0} P(T > t) = sum_{t >= 0} [1 - prod_i (1 - q_i^t)]``, ``q_i = 1 - p_i``, summed
    exactly (in blocks, to a remainder below ``1e-16`` of the sum) when ``min p >= 1e-5``. Equal
    probabilities use the closed recursion of :func:`pqms_physics.network.bounds.expected_attempts`.
    For ``min p < 1e-5``: ``E[T] ~ int_0^inf [1 - prod_i (1 - exp(-lambda_i t))] dt + 1/2`` with
    ``lambda_i = -ln q_i`` (Euler–Maclaurin; relative error of order ``min p``).

    Examples
    --------
    >>> print(f"{expected_rounds([0.5, 0.5]):.6f}")   # (3 - 2p)/(p (2 - p)) at p = 1/2
    2.666667
    >>> print(f"{expected_rounds([0.5, 0.25]):.6f}")  # 1/p1 + 1/p2 - 1/(1 - q1 q2)
    4.400000
    """
    p = np.asarray(p_links, dtype=float)
    if p.size == 0:
        return 0.0
    if (p <= 0).any():
        return math.inf
    if np.all(p == p[0]):
        return float(expected_attempts(int(p.size), float(p[0])))
    p_min = float(p.min())
    log_q = np.where(p < 1.0, np.log1p(-np.where(p < 1.0, p, 0.0)), -np.inf)  # log(1 - p)
    if p_min >= SERIES_MIN_P:
        total, start, block = 1.0, 1, min(65536, int(40.0 / p_min) + 16)  # the t = 0 term is P(T > 0) = 1
        while True:
            t = np.arange(start, start + block, dtype=float)[:, None]
            with np.errstate(under="ignore"):
                terms = -np.expm1(np.sum(np.log1p(-np.exp(t * log_q)), axis=1))
            total += float(terms.sum())
            start += block
            if terms[-1] <= 1e-16 * total * p_min:  # the tail is below terms[-1] / p_min
                return total
    lam = -log_q

    def tail(x: float) -> float:
        return float(-np.expm1(np.sum(np.log1p(-np.exp(-lam * x)))))

    scale = 1.0 / float(lam.min())
    integral, _ = quad(lambda u: tail(u * scale), 0.0, np.inf, limit=200, epsabs=0.0, epsrel=1e-12)
    return integral * scale + 0.5


__all__ = ["expected_rounds", "SERIES_MIN_P"]
