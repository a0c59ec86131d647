"""Plain-Python twin of the repeater-protocol Monte Carlo kernel (:mod:`.protocol_cpu`): the test oracle.

One protocol run at a time, written for clarity; it consumes the counter-based stream exactly as the
Numba kernel does, so both give the *same* waiting times and Werner parameters run by run.

The stream of a protocol run
----------------------------
Run ``r`` (0-based) of a simulation with seed ``seed`` has the key of sub-stream ``(seed, r)`` of
:mod:`pqms_physics.kernels.rng`::

    key_r = mix64(mix64(seed + GAMMA) ^ mix64(r + 2 * GAMMA))

and its ``i``-th draw (``i = 0, 1, ...`` counted inside the run) is ``x_i = mix64(key_r + (i + 1) * GAMMA)``,
used through its top 53 bits ``b_i = x_i >> 11``. A run's draws depend on ``(seed, r)`` only, so the
results are identical for any thread count, chunking or sharding of the runs. Each draw is used as

* a uniform ``u = (b + 1/2) 2**-53`` in (0, 1) turned into a geometric time on {1, 2, ...} by inversion,
  ``G = max(1, ceil(log(u) * c))`` with ``c = 1 / log(1 - p)`` (``c = 0`` for ``p = 1``), one draw per
  link generation (not one per round);
* a swap outcome: success iff ``b < rint(p_swap 2**53)``.

Protocols (time in rounds; see :mod:`pqms_physics.network.protocols` for the model)
-----------------------------------------------------------------------------------
``NESTED`` (segments = 2**k): a level-``j`` link from start time ``s`` draws its first then its second
level-``j-1`` input (depth first), both from ``s``; with delivery times ``t1, t2`` and ``d = |t1 - t2|``:
if a cutoff ``tau_j`` is set and ``d > tau_j`` both restart at ``min(t1, t2) + tau_j``; otherwise the
output is ``w = w1 w2 exp(-d / T_coh)`` at ``max(t1, t2)``; if ``w < w_cut`` both restart there (no draw),
else one swap draw; a failed swap restarts both there.

Level-1 tables (NESTED with a level-1 cutoff ``tau_1``, ``p < 1``): a level-1 link is not simulated attempt by
attempt but drawn from its exact law with two draws. One attempt has ``m = min(G1, G2) ~ Geom(1 - q^2)``
(``q = 1 - p``) and, independently, ``d = |G1 - G2|`` with ``P(d = 0) = p/(2 - p)``, ``P(d = k) = 2 p q^k/(2 - p)``;
it succeeds with weight ``s_d = P(d) p_swap 1{w0^2 r^d >= w_cut}`` (``d <= tau_1``, ``r = exp(-1/T_coh)``) after
``m + d`` rounds, and fails after ``m + d`` or, if ``d > tau_1``, ``m + tau_1`` rounds. Renewal over the failed
attempts makes the delivery round ``s + V + d`` with ``d ~ s_d / sigma`` independent of ``V``, whose generating
function is ``sigma (1 - q^2) z / (1 - q^2 z - (1 - q^2) z Phi(z))`` with ``Phi(z) = P(d > tau_1) z^tau_1 +
sum_{d <= tau_1} (P(d) - s_d) z^d`` and ``sigma = sum_d s_d`` (a recursion with positive terms, computed by
:func:`level1_tables`). ``V`` is drawn by inversion of its integer CDF table (a guide table of
``2**GUIDE_BITS`` entries finds the cell), then ``d`` likewise, from two consecutive draws. The table ends where
the remaining mass of ``V`` is below ``2**-55``; a draw beyond it (probability below ``2**-52``) falls back to the
attempt-by-attempt simulation from the same start.

``SWAP_ASAP`` and ``PARALLEL`` (any number of segments): event driven. Every empty segment holds the
arrival time of its next elementary link (drawn when it becomes empty, in segment order). At each
event time ``t`` (the earliest arrival or expiry): links arriving at ``t`` are stored; then swaps:
``SWAP_ASAP`` merges every maximal run of >= 2 adjacent stored links, ``PARALLEL`` merges only when all
segments hold links; a merge of ``m`` links uses ``m - 1`` swap draws (left to right) and succeeds iff
all succeed, giving ``w = prod_i w_i exp(-(t - c_i) / T_coh)`` (``c_i`` = creation time of link ``i``)
created at ``t``; a failed merge, or one with ``w < w_cut``, empties its segments. Then stored links of
age ``t - c = tau`` that did not reach the end nodes are discarded (their segments empty). Emptied
segments draw new arrivals after ``t``, in segment order. The run ends when one link spans the chain.

Per-run Werner parameters are accumulated in fixed point, ``floor(w 2**32 + 1/2)`` as integers, so
sums do not depend on the order of runs (resolution 2.3e-10).
"""

from __future__ import annotations

import math

import numpy as np

from pqms_physics.kernels.rng import GAMMA, MIX_MUL1, MIX_MUL2

NESTED, SWAP_ASAP, PARALLEL = 0, 1, 2
SCHEME_CODES: dict[str, int] = {"nested": NESTED, "swap-asap": SWAP_ASAP, "parallel": PARALLEL}
#: Fixed-point scale of the accumulated Werner parameters.
W_SCALE: float = float(2**32)
_MASK = (1 << 64) - 1
_ONE53 = 1 << 53
_INV53 = 2.0**-53
#: Marker of "no cutoff" in the cutoff arrays of the kernels.
NO_CUTOFF: int = -1
#: Guide tables of the level-1 inversion have ``2**GUIDE_BITS`` entries.
GUIDE_BITS: int = 12
#: Longest level-1 table (beyond it the kernels simulate attempt by attempt).
MAX_TABLE: int = 1 << 22
_EMPTY = np.zeros(0, dtype=np.int64)


def _mix64(z: int) -> int:
    z &= _MASK
    z = ((z ^ (z >> 30)) * MIX_MUL1) & _MASK
    z = ((z ^ (z >> 27)) * MIX_MUL2) & _MASK
    return z ^ (z >> 31)


def run_key(seed: int, run: int) -> int:
    """Key of protocol run ``run``: ``mix64(mix64(seed + GAMMA) ^ mix64(run + 2 GAMMA))``.

    Examples
    --------
    >>> run_key(1, 0) != run_key(1, 1) != run_key(2, 1)
    True
    """
    return _mix64(_mix64(seed + GAMMA) ^ _mix64(run + 2 * GAMMA))


def base_key(seed: int) -> int:
    """``mix64(seed + GAMMA)``, the part of :func:`run_key` shared by all runs of a seed."""
    return _mix64(seed + GAMMA)


def geometric_factor(p: float) -> float:
    """``1 / log(1 - p)`` for the inversion ``G = max(1, ceil(log(u) / log(1 - p)))``; 0 for ``p = 1``.

    Examples
    --------
    >>> geometric_factor(1.0)
    0.0
    """
    return 0.0 if p >= 1.0 else 1.0 / math.log1p(-p)


def swap_threshold(p_swap: float) -> int:
    """Integer threshold of a swap draw: success iff ``b < rint(p_swap 2**53)``.

    Examples
    --------
    >>> swap_threshold(1.0) == 2**53
    True
    """
    return int(min(np.rint(p_swap * float(_ONE53)), float(_ONE53)))


def fixed_point(w: float) -> int:
    """``floor(w 2**32 + 1/2)``: a Werner parameter in [0, 1] as an integer."""
    return int(math.floor(w * W_SCALE + 0.5))


def _cdf_table(pmf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer CDF ``C[i] = min(rint(cumsum(pmf)[i] 2**53), 2**53)`` and its guide table: ``guide[j]`` is the
    first cell with ``C > j 2**53 / 2**GUIDE_BITS`` (the search for a draw in bucket ``j`` starts there)."""
    cdf = np.minimum(np.rint(np.cumsum(pmf) * float(_ONE53)), float(_ONE53)).astype(np.int64)
    starts = np.arange(1 << GUIDE_BITS, dtype=np.int64) << (53 - GUIDE_BITS)
    guide = np.searchsorted(cdf, starts, side="right").astype(np.int64)
    return cdf, np.minimum(guide, cdf.size - 1)


def level1_tables(p: float, p_swap: float, w0: float, inv_tc: float, tau: int, wcut: float) -> tuple:
    """Integer inversion tables ``(v_cdf, v_guide, d_cdf, d_guide)`` of a level-1 link (module docstring).

    ``v_cdf[i]`` is the CDF threshold of ``V = i + 1`` rounds, ``d_cdf[k]`` of ``d = k``. Empty arrays when
    the fast path does not apply (``tau < 0`` or ``>= MAX_TABLE``, ``p = 1``, no success possible, or ``V``
    needs more than :data:`MAX_TABLE` rounds).

    Examples
    --------
    >>> v_cdf, v_guide, d_cdf, d_guide = level1_tables(0.5, 1.0, 1.0, 0.0, 0, -1.0)
    >>> bool(d_cdf[0] == 2**53)   # tau = 0: d = 0 always
    True
    """
    if tau < 0 or tau >= MAX_TABLE or p >= 1.0:
        return _EMPTY, _EMPTY, _EMPTY, _EMPTY
    from scipy.signal import lfilter

    q = 1.0 - p
    k = np.arange(tau + 1, dtype=np.float64)
    pd = np.where(k == 0, p / (2.0 - p), 2.0 * p * np.exp(k * math.log(q)) / (2.0 - p))
    ok = w0 * w0 * np.exp(-(k * inv_tc)) >= wcut
    succ = pd * p_swap * ok
    sigma = float(succ.sum())
    if sigma <= 0.0:
        return _EMPTY, _EMPTY, _EMPTY, _EMPTY
    phi = pd - succ
    phi[tau] += max(0.0, 1.0 - float(pd.sum()))  # P(d > tau): the attempt fails after m + tau rounds
    g = -math.expm1(2.0 * math.log1p(-p))  # P(m = 1) = 1 - q^2
    q2 = 1.0 - g
    den = np.zeros(tau + 2)
    den[0] = 1.0
    den[1] = -q2
    den[1:] -= g * phi
    length = 1024
    while True:
        x = np.zeros(length)
        x[0] = 1.0
        h = sigma * lfilter([0.0, g], den, x)  # h[v] = P(V = v), v = 0..length-1 (h[0] = 0)
        tail = h[-1] / max(1e-300, 1.0 - min(h[-1] / max(h[-2], 1e-300), 1.0 - 1e-16))
        if tail < 2.0**-55 or length >= MAX_TABLE:
            break
        length *= 4
    if tail >= 2.0**-55:
        return _EMPTY, _EMPTY, _EMPTY, _EMPTY
    v_cdf, v_guide = _cdf_table(h[1:])
    d_cdf, d_guide = _cdf_table(succ / sigma)
    return v_cdf, v_guide, d_cdf, d_guide


def table_draw(b: int, cdf, guide) -> int:
    """Cell of the 53-bit draw ``b``: the smallest ``i`` with ``b < cdf[i]`` (``cdf.size`` if none)."""
    i = int(guide[b >> (53 - GUIDE_BITS)])
    while i < len(cdf) and b >= cdf[i]:
        i += 1
    return i


class _Stream:
    """Sequential 53-bit draws of one run."""

    def __init__(self, key: int):
        self.key, self.i = key, 0

    def bits(self) -> int:
        self.i += 1
        return _mix64(self.key + self.i * GAMMA) >> 11

    def geometric(self, c: float) -> int:
        u = (self.bits() + 0.5) * _INV53
        return max(1, math.ceil(math.log(u) * c))


def _nested(level, start, st, c, w0, thr, inv_tc, cutoffs, wcut, tables):
    if level == 0:
        return start + st.geometric(c), w0
    tau = int(cutoffs[level - 1])
    if level == 1 and len(tables[0]):
        v_cdf, v_guide, d_cdf, d_guide = tables
        v = table_draw(st.bits(), v_cdf, v_guide)
        d = table_draw(st.bits(), d_cdf, d_guide)
        if v < len(v_cdf):
            return start + v + 1 + d, w0 * w0 * math.exp(-(d * inv_tc))
        tables = (_EMPTY,)  # beyond the table: simulate this link attempt by attempt
    while True:
        t1, w1 = _nested(level - 1, start, st, c, w0, thr, inv_tc, cutoffs, wcut, tables)
        t2, w2 = _nested(level - 1, start, st, c, w0, thr, inv_tc, cutoffs, wcut, tables)
        d = abs(t1 - t2)
        if tau >= 0 and d > tau:
            start = min(t1, t2) + tau
            continue
        t = max(t1, t2)
        w = w1 * w2 * math.exp(-(d * inv_tc))
        if w < wcut:
            start = t
            continue
        if st.bits() < thr:
            return t, w
        start = t


def _chain(n, asap, st, c, w0, thr, inv_tc, tau, wcut):
    """Event-driven SWAP_ASAP / PARALLEL run; returns (T, w). A link is stored at its first segment."""
    arrival = [st.geometric(c) for _ in range(n)]  # next arrival of an empty segment; -1 when covered
    cover = [-1] * n  # first segment of the link covering segment s; -1 when empty
    hi, ctime, wl = [0] * n, [0] * n, [0.0] * n
    while True:
        t = -1
        for s in range(n):
            if arrival[s] >= 0 and (t < 0 or arrival[s] < t):
                t = arrival[s]
            if tau >= 0 and cover[s] == s and (t < 0 or ctime[s] + tau < t):
                t = ctime[s] + tau
        for s in range(n):  # arrivals
            if arrival[s] == t:
                arrival[s], cover[s], hi[s], ctime[s], wl[s] = -1, s, s, t, w0
        i = 0
        while i < n:  # swaps, one maximal run of adjacent links at a time
            if cover[i] != i:
                i += 1
                continue
            j, links = i, 1
            while hi[j] + 1 < n and cover[hi[j] + 1] == hi[j] + 1:
                j, links = hi[j] + 1, links + 1
            last = hi[j]
            if links > 1 and (asap or links == n):
                w, k = 1.0, i
                for _ in range(links):
                    w *= wl[k] * math.exp(-((t - ctime[k]) * inv_tc))
                    k = hi[k] + 1
                ok = True
                for _ in range(links - 1):
                    if st.bits() >= thr:
                        ok = False
                if ok and w >= wcut:
                    if i == 0 and last == n - 1:
                        return t, w
                    for s in range(i, last + 1):
                        cover[s] = i
                    hi[i], ctime[i], wl[i] = last, t, w
                else:
                    for s in range(i, last + 1):
                        cover[s] = -1
            i = last + 1
        if tau >= 0:  # expiries at the end of the round
            for s in range(n):
                if cover[s] == s and ctime[s] + tau == t:
                    for q in range(s, hi[s] + 1):
                        cover[q] = -1
        for s in range(n):  # emptied segments restart, in segment order
            if cover[s] == -1 and arrival[s] < 0:
                arrival[s] = t + st.geometric(c)


def simulate_run(
    scheme: int,
    segments: int,
    c: float,
    w0: float,
    thr: int,
    inv_tc: float,
    cutoffs,
    wcut: float,
    v_cdf,
    v_guide,
    d_cdf,
    d_guide,
    key: int,
) -> tuple[int, float]:
    """One protocol run with stream key ``key``: ``(T, w)`` (delivery round and Werner parameter).

    Examples
    --------
    >>> e = np.zeros(0, dtype=np.int64)
    >>> simulate_run(NESTED, 1, geometric_factor(1.0), 0.9, swap_threshold(1.0), 0.0, [], -1.0, e, e, e, e, 5)
    (1, 0.9)
    """
    st = _Stream(key)
    if scheme == NESTED:
        levels = segments.bit_length() - 1
        return _nested(levels, 0, st, c, w0, thr, inv_tc, cutoffs, wcut, (v_cdf, v_guide, d_cdf, d_guide))
    tau = int(cutoffs[0]) if len(cutoffs) else NO_CUTOFF
    if segments == 1:
        return st.geometric(c), w0
    return _chain(segments, scheme == SWAP_ASAP, st, c, w0, thr, inv_tc, tau, wcut)


def simulate_reference(
    scheme: int,
    segments: int,
    c: float,
    w0: float,
    thr: int,
    inv_tc: float,
    cutoffs,
    wcut: float,
    v_cdf,
    v_guide,
    d_cdf,
    d_guide,
    seed: int,
    start: int,
    n_runs: int,
    t_trunc: int,
) -> tuple:
    """Twin of :func:`pqms_physics.kernels.protocol_cpu.simulate_block`: the same accumulators.

    Returns ``(hist, hist_w, sums)``: ``hist[t]`` runs with ``T = t`` for ``t <= t_trunc`` and
    ``hist[t_trunc + 1]`` the runs beyond; ``hist_w`` the fixed-point sums of ``w`` per bin; ``sums`` the
    int64 array ``[sum T, sum T**2, sum w_fix, sum (w**2)_fix]``.
    """
    hist = np.zeros(t_trunc + 2, dtype=np.int64)
    hist_w = np.zeros(t_trunc + 2, dtype=np.int64)
    sums = [0, 0, 0, 0]
    for r in range(start, start + n_runs):
        t, w = simulate_run(
            scheme, segments, c, w0, thr, inv_tc, cutoffs, wcut, v_cdf, v_guide, d_cdf, d_guide, run_key(seed, r)
        )
        b = min(t, t_trunc + 1)
        wf = fixed_point(w)
        hist[b] += 1
        hist_w[b] += wf
        sums[0] += t
        sums[1] += t * t
        sums[2] += wf
        sums[3] += fixed_point(w * w)
    return hist, hist_w, np.array(sums, dtype=np.int64)


__all__ = [
    "NESTED",
    "SWAP_ASAP",
    "PARALLEL",
    "SCHEME_CODES",
    "W_SCALE",
    "NO_CUTOFF",
    "GUIDE_BITS",
    "MAX_TABLE",
    "run_key",
    "base_key",
    "geometric_factor",
    "swap_threshold",
    "fixed_point",
    "level1_tables",
    "table_draw",
    "simulate_run",
    "simulate_reference",
]
