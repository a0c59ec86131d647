"""Slow twin of the exact nested engine: explicit pair enumeration and a direct renewal recursion.

``O(L^2)`` per level, written without FFTs, filters or closed-form window sums, as the oracle the fast
engine is tested and benchmarked against (see :mod:`~pqms_physics.network.protocols.units` for the model).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def direct_swap_level(
    a: np.ndarray, b: np.ndarray, *, p_swap: float, cutoff: float, r: float
) -> tuple[np.ndarray, np.ndarray]:
    """One nested level by enumerating every pair ``(t1, t2)`` and the restart recursion, same length as ``a``.

    Examples
    --------
    >>> import numpy as np
    >>> p = 0.5; t = np.arange(60); a = np.where(t > 0, p * (1 - p) ** (t - 1.0), 0.0)
    >>> pmf, w = direct_swap_level(a, a, p_swap=1.0, cutoff=math.inf, r=1.0)
    >>> print(f"{(t * pmf).sum():.6f}")        # (3 - 2p) / (p (2 - p))
    2.666667
    """
    n = a.size
    t1, t2 = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    joint = np.outer(a, a)
    weight = np.outer(b, b) * r ** np.abs(t1 - t2)
    gap = np.abs(t1 - t2)
    kept = gap <= cutoff
    swap_time = np.maximum(t1, t2)
    success = np.zeros(n)
    fail = np.zeros(n)
    weighted = np.zeros(n)
    np.add.at(success, swap_time[kept], p_swap * joint[kept])
    np.add.at(weighted, swap_time[kept], p_swap * weight[kept])
    np.add.at(fail, swap_time[kept], (1.0 - p_swap) * joint[kept])
    if not math.isinf(cutoff):
        c = int(cutoff)
        lost = ~kept
        drop = np.minimum(t1, t2)[lost] + c
        inside = drop < n
        np.add.at(fail, drop[inside], joint[lost][inside])
        # pairs whose later link lies beyond the array still fail at min + c (the tail of a is 1 - sum(a))
        tail = 1.0 - np.cumsum(a)
        for m in range(n):
            if m + c < n and a[m] > 0:
                fail[m + c] += 2.0 * a[m] * tail[n - 1]
    pmf = np.zeros(n)
    wpmf = np.zeros(n)
    for t in range(n):  # pmf[t] = success[t] + sum_{u=1..t} fail[u] pmf[t - u], written out
        back = slice(t - 1, None, -1) if t > 0 else slice(0, 0)
        pmf[t] = success[t] + fail[1 : t + 1] @ pmf[back]
        wpmf[t] = weighted[t] + fail[1 : t + 1] @ wpmf[back]
    return pmf, wpmf


def direct_nested(
    segments: int,
    p: float,
    *,
    p_swap: float = 1.0,
    w0: float = 1.0,
    coherence_time: float = math.inf,
    cutoffs: Sequence[float] | None = None,
    length: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """Nested scheme by :func:`direct_swap_level`, level after level, on ``length`` rounds.

    Examples
    --------
    >>> pmf, _ = direct_nested(2, 1.0, length=4)
    >>> print(pmf.round(6).tolist())
    [0.0, 1.0, 0.0, 0.0]
    """
    t = np.arange(length)
    a = np.where(t > 0, p * (1.0 - p) ** np.maximum(t - 1, 0), 0.0)
    b = w0 * a
    r = 0.0 if coherence_time == 0 else math.exp(-1.0 / coherence_time)
    levels = int(segments).bit_length() - 1
    for j in range(levels):
        cut = math.inf if cutoffs is None else float(cutoffs[j])
        a, b = direct_swap_level(a, b, p_swap=p_swap, cutoff=cut, r=r)
    return a, b


__all__ = ["direct_nested", "direct_swap_level"]
