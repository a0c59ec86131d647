"""Numba CPU kernels: the stream of :mod:`.rng` counted in parallel, exactly.

Importing this module imports Numba; :func:`pqms_physics.kernels.sample_counts` does so lazily.
All functions here trust their inputs (the plan was validated in :mod:`._plan`).

How the counting works
----------------------
Work is split into *tasks* of at most ``chunk`` consecutive global pair indices (``prange`` over
tasks). A task writes into its own row of a ``(n_tasks, S*K)`` array, or, when windows are no
larger than a chunk, into the rows of the windows it alone covers; rows are summed afterwards.
Integer sums do not depend on the order, so counts are identical for any thread count and chunk
size. A call with a single task skips the parallel launch (:func:`count_one_task`). Inside a
task, pairs are split at window and block boundaries into *segments* that use one threshold row;
a ``"cyclic"`` segment is walked once per setting with stride ``S``.

In a segment the hot loop is integer-only: ``u = mix64(x); r = int64(u >> 11); x += step*GAMMA``
and, for each threshold ``T_j`` of the row, ``c_j += r < T_j`` (up to four thresholds per pass
over the draws, so the loop vectorises: no branches, no per-pair memory writes). Cell counts are
then ``c_{j+1} - c_j`` (``c_0 = 0``, ``c_C = n``). Rows with more than
:data:`MAX_COUNTING_THRESHOLDS` thresholds use a binary search per draw instead (same cells).
All words are explicitly ``np.uint64`` / ``np.int64``, so no mixed-sign promotion to float64
happens (a Numba pitfall).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, MIX_MUL1, MIX_MUL2, RULE_CODES

_G = np.uint64(GAMMA)
_M1 = np.uint64(MIX_MUL1)
_M2 = np.uint64(MIX_MUL2)
_SH30 = np.uint64(30)
_SH27 = np.uint64(27)
_SH31 = np.uint64(31)
_SHDRAW = np.uint64(64 - DRAW_BITS)

#: Draws buffered per pass when a row has more than four thresholds.
TILE: int = 2048
#: Above this many thresholds per row, cells are found by binary search.
MAX_COUNTING_THRESHOLDS: int = 32
#: Default task size (pairs) of the parallel loop.
DEFAULT_CHUNK: int = 1 << 20

RANDOM, CYCLIC, BLOCKS = RULE_CODES["random"], RULE_CODES["cyclic"], RULE_CODES["blocks"]


@njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> _SH30)) * _M1
    z = (z ^ (z >> _SH27)) * _M2
    return z ^ (z >> _SH31)


@njit(cache=True, inline="always")
def _fill_draws(buf, m, x, dx):
    """Write the 53-bit draws of the next ``m`` pairs (counters ``x, x + dx, ...``) into ``buf``;
    returns the counter after them."""
    for t in range(m):
        buf[t] = np.int64(_mix64(x) >> _SHDRAW)
        x += dx
    return x


@njit(cache=True)
def _lt4_fused(x, dx, n, t1, t2, t3, t4):
    """Counts of draws below t1..t4 for n draws starting at counter word x, stride dx."""
    a1 = 0
    a2 = 0
    a3 = 0
    a4 = 0
    for _ in range(n):
        r = np.int64(_mix64(x) >> _SHDRAW)
        a1 += r < t1
        a2 += r < t2
        a3 += r < t3
        a4 += r < t4
        x += dx
    return a1, a2, a3, a4


@njit(cache=True)
def _lt4_buffer(buf, m, t1, t2, t3, t4):
    a1 = 0
    a2 = 0
    a3 = 0
    a4 = 0
    for t in range(m):
        r = buf[t]
        a1 += r < t1
        a2 += r < t2
        a3 += r < t3
        a4 += r < t4
    return a1, a2, a3, a4


@njit(cache=True)
def _segment(key, i0, n, step, trow, tpad, out, base, lt, buf):
    """Add to out[base:base+C] the cells of pairs i0, i0+step, ... (n pairs) on threshold row trow.

    tpad: thresholds T_1..T_{C-1} zero-padded to a multiple of 4 (a zero threshold counts nothing).
    lt, buf: scratch of length len(tpad) and TILE.
    """
    if n <= 0:
        return
    n_cells = trow.shape[0] - 1
    x0 = key + np.uint64(i0 + 1) * _G
    dx = np.uint64(step) * _G
    if n_cells - 1 > MAX_COUNTING_THRESHOLDS:
        x = x0
        for t0 in range(0, n, TILE):
            m = min(TILE, n - t0)
            x = _fill_draws(buf, m, x, dx)
            for t in range(m):
                r = buf[t]
                lo = 0
                hi = n_cells  # invariant: trow[lo] <= r < trow[hi]
                while hi - lo > 1:
                    mid = (lo + hi) >> 1
                    if trow[mid] <= r:
                        lo = mid
                    else:
                        hi = mid
                out[base + lo] += 1
        return
    ng = tpad.shape[0] // 4
    if ng == 1:
        a1, a2, a3, a4 = _lt4_fused(x0, dx, n, tpad[0], tpad[1], tpad[2], tpad[3])
        lt[0] = a1
        lt[1] = a2
        lt[2] = a3
        lt[3] = a4
    else:
        lt[:] = 0
        x = x0
        for t0 in range(0, n, TILE):
            m = min(TILE, n - t0)
            x = _fill_draws(buf, m, x, dx)
            for g in range(ng):
                j = 4 * g
                a1, a2, a3, a4 = _lt4_buffer(buf, m, tpad[j], tpad[j + 1], tpad[j + 2], tpad[j + 3])
                lt[j] += a1
                lt[j + 1] += a2
                lt[j + 2] += a3
                lt[j + 3] += a4
    # lt[j-1] = #(r < T_j) for j = 1..C-1; cell c = #(r < T_{c+1}) - #(r < T_c)
    below = 0
    for c in range(n_cells - 1):
        out[base + c] += lt[c] - below
        below = lt[c]
    out[base + n_cells - 1] += n - below


@njit(cache=True)
def _range(key, rule, table, tpad, n_settings, n_outcomes, block_len, lo, hi, out, lt, buf):
    """Add the cell counts (flat s*K + o) of global pairs [lo, hi) to out."""
    one = np.int64(1)
    if rule == RANDOM:
        _segment(key, lo, hi - lo, one, table[0], tpad[0], out, one - one, lt, buf)
    elif rule == CYCLIC:
        for s in range(n_settings):
            first = lo + (s - lo) % n_settings
            if first < hi:
                n = (hi - 1 - first) // n_settings + 1
                _segment(key, first, n, n_settings, table[s], tpad[s], out, s * n_outcomes, lt, buf)
    else:
        for s in range(lo // block_len, (hi - 1) // block_len + 1):
            a = max(lo, s * block_len)
            b = min(hi, (s + 1) * block_len)
            _segment(key, a, b - a, one, table[s], tpad[s], out, s * n_outcomes, lt, buf)


@njit(cache=True)
def _windows_of(key, rule, table, tpad, n_settings, n_outcomes, block_len, lo, hi, window, w_first,
                res, lt, buf):
    """Add the counts of [lo, hi) to res rows (window index - w_first), splitting at window edges."""
    w = lo // window
    while lo < hi:
        end = min(hi, (w + 1) * window)
        _range(key, rule, table, tpad, n_settings, n_outcomes, block_len, lo, end, res[w - w_first],
               lt, buf)
        lo = end
        w += 1


@njit(parallel=True, cache=True)
def count_tasks(key, rule, table, tpad, n_settings, n_outcomes, block_len, t_lo, t_hi, t_row,
                direct, window, w_first, n_rows):
    """Cell counts of the tasks [t_lo[t], t_hi[t]) as an int64 array (n_rows, S*K).

    direct: tasks hold whole windows (each window row has one writer) and write window rows
    (window index - w_first) themselves; otherwise each task counts into its own partial row,
    added to row t_row[t] afterwards. Either way the result does not depend on scheduling.
    """
    cells = n_settings * n_outcomes
    n_tasks = t_lo.shape[0]
    res = np.zeros((n_rows, cells), dtype=np.int64)
    part = np.zeros((0 if direct else n_tasks, cells), dtype=np.int64)
    for t in prange(n_tasks):
        lt = np.empty(tpad.shape[1], dtype=np.int64)
        buf = np.empty(TILE, dtype=np.int64)
        if direct:
            _windows_of(key, rule, table, tpad, n_settings, n_outcomes, block_len, t_lo[t], t_hi[t],
                        window, w_first, res, lt, buf)
        else:
            _range(key, rule, table, tpad, n_settings, n_outcomes, block_len, t_lo[t], t_hi[t],
                   part[t], lt, buf)
    for t in range(part.shape[0]):  # explicit loops: no broadcasting machinery to compile
        for c in range(cells):
            res[t_row[t], c] += part[t, c]
    return res


@njit(cache=True)
def count_one_task(key, rule, table, tpad, n_settings, n_outcomes, block_len, lo, hi, row, direct,
                   window, w_first, n_rows):
    """:func:`count_tasks` for a single task, without a parallel launch (small calls: waking the
    thread pool costs more than the work, and much more on a loaded machine)."""
    res = np.zeros((n_rows, n_settings * n_outcomes), dtype=np.int64)
    lt = np.empty(tpad.shape[1], dtype=np.int64)
    buf = np.empty(TILE, dtype=np.int64)
    if direct:
        _windows_of(key, rule, table, tpad, n_settings, n_outcomes, block_len, lo, hi, window,
                    w_first, res, lt, buf)
    else:
        _range(key, rule, table, tpad, n_settings, n_outcomes, block_len, lo, hi, res[row], lt, buf)
    return res


def plan_tasks(a: int, b: int, chunk: int, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Task table (lo, hi, row, direct) covering global pairs [a, b).

    window == 0: chunk-sized tasks, all summed into row 0. 0 < window <= chunk: tasks of whole
    windows on a global grid (edges at multiples of ``chunk // window * window``), writing window
    rows directly. window > chunk: chunk-sized pieces of windows, each summed into its window's row.
    """
    if 0 < window <= chunk:
        span = (chunk // window) * window
        edges = np.arange(a // span, (b - 1) // span + 2, dtype=np.int64) * span
        edges[0], edges[-1] = a, b
        return edges[:-1].copy(), edges[1:].copy(), np.zeros(edges.size - 1, dtype=np.int64), True
    if window == 0:
        pieces = [(a, b, 0)]
    else:
        w0 = a // window
        pieces = [(max(a, w * window), min(b, (w + 1) * window), w - w0)
                  for w in range(w0, (b - 1) // window + 1)]
    lo, hi, row = [], [], []
    for wl, wh, r in pieces:
        starts = np.arange(wl, wh, chunk, dtype=np.int64)
        lo.append(starts)
        hi.append(np.minimum(starts + chunk, wh))
        row.append(np.full(starts.size, r, dtype=np.int64))
    return np.concatenate(lo), np.concatenate(hi), np.concatenate(row), False


@njit(parallel=True, cache=True)
def generator_checksum(key, a, n, chunk):
    """XOR of the draws r_i of pairs [a, a + n): the raw generator alone (throughput ceiling)."""
    n_tasks = (n + chunk - 1) // chunk
    part = np.zeros(n_tasks, dtype=np.uint64)
    for t in prange(n_tasks):
        lo = a + t * chunk
        m = min(a + n, lo + chunk) - lo
        x = key + np.uint64(lo + 1) * _G
        acc = np.uint64(0)
        for _ in range(m):
            acc ^= _mix64(x) >> _SHDRAW
            x += _G
        part[t] = acc
    acc = np.uint64(0)
    for t in range(n_tasks):
        acc ^= part[t]
    return acc


def padded_thresholds(table: np.ndarray) -> np.ndarray:
    """Inner thresholds T_1..T_{C-1} of each row, zero-padded to a multiple of four columns."""
    inner = table[:, 1:-1]
    width = max(4, -(-inner.shape[1] // 4) * 4)
    tpad = np.zeros((table.shape[0], width), dtype=np.int64)
    tpad[:, :inner.shape[1]] = inner
    return tpad


def count_plan_range(plan, a: int, b: int, chunk: int = DEFAULT_CHUNK,
                     tpad: np.ndarray | None = None) -> np.ndarray:
    """Cell counts of global pairs [a, b) of a validated plan.

    Returns int64 (rows, S*K): one row without windows, else one row per window touched by
    [a, b) (window ``a // window`` first; a window partly outside [a, b) counts its pairs inside).
    """
    if tpad is None:
        tpad = padded_thresholds(plan.table)
    window = plan.window or 0
    t_lo, t_hi, t_row, direct = plan_tasks(a, b, chunk, window)
    w_first = a // window if window else 0
    n_rows = (b - 1) // window - w_first + 1 if window else 1
    i64 = np.int64
    head = (np.uint64(plan.key), i64(plan.rule), plan.table, tpad, i64(plan.n_settings),
            i64(plan.n_outcomes), i64(max(plan.block_len, 1)))
    tail = (direct, i64(window), i64(w_first), i64(n_rows))
    if t_lo.size == 1:
        return count_one_task(*head, t_lo[0], t_hi[0], t_row[0], *tail)
    return count_tasks(*head, t_lo, t_hi, t_row, *tail)
