"""CPU counting of rows with many thresholds: each draw's cell by a guide table or bisection.

Part of the CPU kernel (:mod:`.cpu`), which sends rows with more than
:data:`~.cpu.MAX_COUNTING_THRESHOLDS` inner thresholds here; also the scalar hash and draw it shares.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from pqms_physics.kernels.rng import GAMMA, MIX_MUL1, MIX_MUL2

_G = np.uint64(GAMMA)
_M1 = np.uint64(MIX_MUL1)
_M2 = np.uint64(MIX_MUL2)
_SH30 = np.uint64(30)
_SH27 = np.uint64(27)
_SH31 = np.uint64(31)

#: Draws buffered per pass when a row has more than four thresholds.
TILE: int = 2048
#: Guide tables (rows with more than MAX_COUNTING_THRESHOLDS thresholds): used for runs of at least
#: GUIDE_MIN_PAIRS draws, with about GUIDE_BUCKETS_PER_CELL buckets per cell, at most 2**GUIDE_MAX_BITS.
GUIDE_MIN_PAIRS: int = 1 << 14
GUIDE_BUCKETS_PER_CELL: int = 4
GUIDE_MAX_BITS: int = 16


@njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> _SH30)) * _M1
    z = (z ^ (z >> _SH27)) * _M2
    return z ^ (z >> _SH31)


@njit(cache=True, inline="always")
def _draw(x, sh):
    return np.int64(_mix64(x) >> sh)


@njit(cache=True)
def _guide_table(trow, bits, gbits):
    """guide[b] = the cell of the value b * 2**(bits - gbits): the first candidate for every draw in bucket b
    (draws of ``bits`` bits: 53, or 53 + log2(S) for the random rule's v)."""
    shift = np.uint64(bits - gbits)
    guide = np.empty(1 << gbits, dtype=np.int64)
    c = 0
    for b in range(1 << gbits):
        v = np.int64(np.uint64(b) << shift)
        while trow[c + 1] <= v:  # trow[C] = 2**bits > v: the scan stops inside the row
            c += 1
        guide[b] = c
    return guide


@njit(cache=True)
def _searched(x, dx, n, sh, trow, out, buf):
    """out[c] += 1 for the cell c (T_c <= r < T_{c+1}) of each draw, for rows with many thresholds.

    Long runs use a guide table (Chen and Asau's index search): the top bits of r give the first
    candidate cell, from which a short forward scan finds the cell (0 or 1 steps unless thresholds
    are closer than a bucket). Short runs, where building the table would dominate, search by bisection.
    """
    n_cells = trow.shape[0] - 1
    guided = n >= GUIDE_MIN_PAIRS
    gbits = 1
    while (1 << gbits) < GUIDE_BUCKETS_PER_CELL * n_cells and gbits < GUIDE_MAX_BITS:
        gbits += 1
    bits = 64 - np.int64(sh)
    guide = _guide_table(trow, bits, gbits) if guided else np.empty(0, dtype=np.int64)
    shift = np.uint64(bits - gbits)
    for t0 in range(0, n, TILE):
        m = min(TILE, n - t0)
        for i in range(m):
            buf[i] = _draw(x, sh)
            x += dx
        if guided:
            for i in range(m):
                r = buf[i]
                c = guide[np.uint64(r) >> shift]
                while trow[c + 1] <= r:
                    c += 1
                out[c] += 1
            continue
        for i in range(m):
            r = buf[i]
            lo = 0
            hi = n_cells  # invariant: trow[lo] <= r < trow[hi]
            while hi - lo > 1:
                mid = (lo + hi) >> 1
                if trow[mid] <= r:
                    lo = mid
                else:
                    hi = mid
            out[lo] += 1
