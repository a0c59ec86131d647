"""Numba CPU kernel of the repeater-protocol Monte Carlo: many protocol runs, counted in parallel.

The protocols, the stream of each run and the use of every draw are defined in
:mod:`pqms_physics.kernels.protocol_reference` (the plain-Python twin this kernel must equal run by run).

Promise: the accumulators returned for runs ``[start, start + n_runs)`` of a seed depend on the seed, the
protocol parameters and the run range only: not on the number of threads, the number of tasks, or how the
caller chunks the range (run ``r`` uses its own sub-stream ``(seed, r)``; every accumulator is an integer
sum, and integer sums do not depend on the order). Memory is ``O(n_tasks * t_trunc)``, flat in the number
of runs: per run only ``T`` and ``w`` exist, and they go straight into the histograms and sums.

Importing this module imports Numba; :mod:`pqms_physics.network.protocols.montecarlo` does so lazily. The
kernel trusts its inputs (validated by the caller).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from pqms_physics.kernels.protocol_reference import GUIDE_BITS, NESTED, SWAP_ASAP, W_SCALE
from pqms_physics.kernels.rng import GAMMA, MIX_MUL1, MIX_MUL2

_G = np.uint64(GAMMA)
_G2 = np.uint64((2 * GAMMA) & ((1 << 64) - 1))
_M1 = np.uint64(MIX_MUL1)
_M2 = np.uint64(MIX_MUL2)
_SH30 = np.uint64(30)
_SH27 = np.uint64(27)
_SH31 = np.uint64(31)
_SH11 = np.uint64(11)
_INV53 = 2.0**-53
_SHGUIDE = np.int64(53 - GUIDE_BITS)
_WS = W_SCALE

#: Largest number of runs one call may count (keeps sum T**2 inside int64 for T < 3e6 rounds).
MAX_BLOCK_RUNS: int = 1 << 20


@njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> _SH30)) * _M1
    z = (z ^ (z >> _SH27)) * _M2
    return z ^ (z >> _SH31)


@njit(cache=True, inline="always")
def _geom(x, c):
    """Geometric time on {1, 2, ...} from the draw at counter word x (inversion)."""
    u = (np.float64(np.int64(_mix64(x) >> _SH11)) + 0.5) * _INV53
    g = math.ceil(math.log(u) * c)
    return np.int64(max(g, 1))


@njit(cache=True, inline="always")
def _bits(x):
    return np.int64(_mix64(x) >> _SH11)


@njit(cache=True, inline="always")
def _table_draw(b, cdf, guide):
    """Smallest cell i with b < cdf[i] (cdf.size if none), starting from the guide entry of b's bucket."""
    i = guide[b >> _SHGUIDE]
    n = cdf.size
    while i < n and b >= cdf[i]:
        i += 1
    return i


@njit(cache=True)
def _nested_run(
    levels, c, w0, thr, inv_tc, cutoffs, wcut, v_cdf, v_guide, d_cdf, d_guide, key, start, phase, t_first, w_first
):
    """One NESTED run (module docstring of protocol_reference); the depth-first recursion as a loop."""
    x = key
    if levels == 0:
        x += _G
        return _geom(x, c), w0
    lvl = levels
    start[lvl] = 0
    phase[lvl] = 0
    rt = np.int64(0)
    rw = 0.0
    while True:
        while lvl > 1:  # descend: the first input of each level below starts with it
            start[lvl - 1] = start[lvl]
            phase[lvl - 1] = 0
            lvl -= 1
        s = start[1]  # level 1: two elementary links, until a swap succeeds
        tau = cutoffs[0]
        fast = False
        if v_cdf.size > 0:  # exact law of a level-1 link from two draws (protocol_reference docstring)
            x += _G
            v = _table_draw(_bits(x), v_cdf, v_guide)
            x += _G
            d = _table_draw(_bits(x), d_cdf, d_guide)
            if v < v_cdf.size:
                rt = s + v + 1 + d
                rw = w0 * w0 * math.exp(-(d * inv_tc))
                fast = True
        while not fast:
            x += _G
            t1 = s + _geom(x, c)
            x += _G
            t2 = s + _geom(x, c)
            d = abs(t1 - t2)
            if tau >= 0 and d > tau:
                s = min(t1, t2) + tau
                continue
            t = max(t1, t2)
            w = w0 * w0 * math.exp(-(d * inv_tc))
            if w < wcut:
                s = t
                continue
            x += _G
            if _bits(x) < thr:
                rt = t
                rw = w
                break
            s = t
        lvl = 2
        while lvl <= levels:  # return upwards
            if phase[lvl] == 0:
                t_first[lvl] = rt
                w_first[lvl] = rw
                phase[lvl] = 1
                break
            tau = cutoffs[lvl - 1]
            t1 = t_first[lvl]
            d = abs(t1 - rt)
            phase[lvl] = 0
            if tau >= 0 and d > tau:
                start[lvl] = min(t1, rt) + tau
                break
            t = max(t1, rt)
            w = w_first[lvl] * rw * math.exp(-(d * inv_tc))
            if w < wcut:
                start[lvl] = t
                break
            x += _G
            if _bits(x) >= thr:
                start[lvl] = t
                break
            rt = t
            rw = w
            lvl += 1
        if lvl > levels:
            return rt, rw


@njit(cache=True)
def _chain_run(n, asap, c, w0, thr, inv_tc, tau, wcut, key, arrival, cover, hi, ctime, wl):
    """One SWAP_ASAP (asap=True) or PARALLEL run (module docstring of protocol_reference)."""
    x = key
    for s in range(n):
        x += _G
        arrival[s] = _geom(x, c)
        cover[s] = -1
    while True:
        t = np.int64(-1)
        for s in range(n):
            if arrival[s] >= 0 and (t < 0 or arrival[s] < t):
                t = arrival[s]
            if tau >= 0 and cover[s] == s and (t < 0 or ctime[s] + tau < t):
                t = ctime[s] + tau
        for s in range(n):
            if arrival[s] == t:
                arrival[s] = -1
                cover[s] = s
                hi[s] = s
                ctime[s] = t
                wl[s] = w0
        i = 0
        while i < n:
            if cover[i] != i:
                i += 1
                continue
            j = i
            links = 1
            while hi[j] + 1 < n and cover[hi[j] + 1] == hi[j] + 1:
                j = hi[j] + 1
                links += 1
            last = hi[j]
            if links > 1 and (asap or links == n):
                w = 1.0
                k = i
                for _ in range(links):
                    w *= wl[k] * math.exp(-((t - ctime[k]) * inv_tc))
                    k = hi[k] + 1
                ok = True
                for _ in range(links - 1):
                    x += _G
                    if _bits(x) >= thr:
                        ok = False
                if ok and w >= wcut:
                    if i == 0 and last == n - 1:
                        return t, w
                    for s in range(i, last + 1):
                        cover[s] = i
                    hi[i] = last
                    ctime[i] = t
                    wl[i] = w
                else:
                    for s in range(i, last + 1):
                        cover[s] = -1
            i = last + 1
        if tau >= 0:
            for s in range(n):
                if cover[s] == s and ctime[s] + tau == t:
                    for q in range(s, hi[s] + 1):
                        cover[q] = -1
        for s in range(n):
            if cover[s] == -1 and arrival[s] < 0:
                x += _G
                arrival[s] = t + _geom(x, c)


@njit(cache=True, parallel=True)
def simulate_block(
    scheme,
    segments,
    c,
    w0,
    thr,
    inv_tc,
    cutoffs,
    wcut,
    v_cdf,
    v_guide,
    d_cdf,
    d_guide,
    base,
    start,
    n_runs,
    t_trunc,
    n_tasks,
):
    """Runs ``[start, start + n_runs)``: ``(hist, hist_w, sums)`` as in
    :func:`~pqms_physics.kernels.protocol_reference.simulate_reference`.

    ``base`` is ``mix64(seed + GAMMA)`` (uint64); ``cutoffs`` an int64 array (-1: none; one per nesting
    level for NESTED, ``cutoffs[0]`` for the others); ``wcut`` the Werner cutoff (-1 for none); ``v_cdf``,
    ``v_guide``, ``d_cdf``, ``d_guide`` the level-1 tables of
    :func:`~pqms_physics.kernels.protocol_reference.level1_tables` (empty: none); ``n_tasks``
    the number of parallel tasks (any value >= 1 gives the same result). ``n_runs <= MAX_BLOCK_RUNS``.
    """
    nb = t_trunc + 2
    hist = np.zeros((n_tasks, nb), dtype=np.int64)
    hist_w = np.zeros((n_tasks, nb), dtype=np.int64)
    sums = np.zeros((n_tasks, 4), dtype=np.int64)
    per = (n_runs + n_tasks - 1) // n_tasks
    levels = 0
    while (1 << (levels + 1)) <= segments:
        levels += 1
    for task in prange(n_tasks):
        lo = start + task * per
        up = min(start + n_runs, lo + per)
        st = np.zeros(levels + 1, dtype=np.int64)
        ph = np.zeros(levels + 1, dtype=np.int64)
        tf = np.zeros(levels + 1, dtype=np.int64)
        wf = np.zeros(levels + 1, dtype=np.float64)
        arrival = np.zeros(segments, dtype=np.int64)
        cover = np.zeros(segments, dtype=np.int64)
        hi = np.zeros(segments, dtype=np.int64)
        ctime = np.zeros(segments, dtype=np.int64)
        wl = np.zeros(segments, dtype=np.float64)
        tau = cutoffs[0] if cutoffs.size > 0 else -1
        for r in range(lo, up):
            key = _mix64(base ^ _mix64(np.uint64(r) + _G2))
            if scheme == NESTED:
                t, w = _nested_run(
                    levels, c, w0, thr, inv_tc, cutoffs, wcut, v_cdf, v_guide, d_cdf, d_guide, key, st, ph, tf, wf
                )
            elif segments == 1:
                t = _geom(key + _G, c)
                w = w0
            else:
                t, w = _chain_run(
                    segments, scheme == SWAP_ASAP, c, w0, thr, inv_tc, tau, wcut, key, arrival, cover, hi, ctime, wl
                )
            b = min(t, t_trunc + 1)
            wfix = np.int64(math.floor(w * _WS + 0.5))
            hist[task, b] += 1
            hist_w[task, b] += wfix
            sums[task, 0] += t
            sums[task, 1] += t * t
            sums[task, 2] += wfix
            sums[task, 3] += np.int64(math.floor(w * w * _WS + 0.5))
    return hist.sum(axis=0), hist_w.sum(axis=0), sums.sum(axis=0)


__all__ = ["simulate_block", "MAX_BLOCK_RUNS"]
