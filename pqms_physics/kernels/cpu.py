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
task, pairs are split at window and block edges into *segments* that use one threshold row;
a ``"cyclic"`` segment is walked once per setting with stride ``S``.

In a segment the hot loop is integer-only: ``u = mix64(x); r = int64(u >> 11); x += step*GAMMA``
and, for each threshold ``T_j`` of the row, ``c_j += r < T_j``. Rows with up to
:data:`MAX_FUSED_THRESHOLDS` inner thresholds are counted by :func:`.simd.block_counts` on blocks
of 64 draws (explicit vector IR: one compare per threshold and eight pairs, the mask counted with
``popcnt``; no branches, no per-pair memory writes); one to eight thresholds are compared exactly
(a padded zero threshold would cost a compare per pair for nothing), nine to sixteen as sixteen.
Rows with up to :data:`MAX_COUNTING_THRESHOLDS` thresholds buffer :data:`TILE` draws and count four
thresholds per pass (``int32`` per-lane counters); longer rows find each draw's cell with a guide
table (index search: the top bits of the draw give the first candidate cell) and count it (same
cells). Cell counts are ``c_{j+1} - c_j`` (``c_0 = 0``, ``c_C = n``). All words are explicitly
``np.uint64`` / ``np.int64`` / ``np.int32``, so no mixed-sign promotion to float64 happens (a
Numba pitfall).

Kernel arguments
----------------
No kernel takes more than eight positional arguments: the integers of a plan travel as one packed
``int64`` array ``spec`` (:func:`._plan.pack_spec`; fields ``SPEC_*``), the tasks as one ``(n, 3)`` array
of ``(lo, hi, row)``, and the scratch space of a task as one array (counters, then a tile of draws).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from pqms_physics.kernels._plan import (
    SPEC_BLOCK,
    SPEC_DIRECT,
    SPEC_K,
    SPEC_ROWS,
    SPEC_RULE,
    SPEC_S,
    SPEC_W_FIRST,
    SPEC_WINDOW,
    pack_spec,
)
from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, MIX_MUL1, MIX_MUL2, RULE_CODES
from pqms_physics.kernels.simd import LANES, block_counts, zeros_like_tuple

_G = np.uint64(GAMMA)
_M1 = np.uint64(MIX_MUL1)
_M2 = np.uint64(MIX_MUL2)
_SH30 = np.uint64(30)
_SH27 = np.uint64(27)
_SH31 = np.uint64(31)
_SHDRAW = np.uint64(64 - DRAW_BITS)
_I32 = np.int32

#: Draws buffered per pass when a row has more than four thresholds.
TILE: int = 2048
#: Above this many thresholds per row, cells are found by binary search.
MAX_COUNTING_THRESHOLDS: int = 32
#: Default task size (pairs) of the parallel loop.
DEFAULT_CHUNK: int = 1 << 20
#: Guide tables (rows with more than MAX_COUNTING_THRESHOLDS thresholds): used for runs of at least
#: GUIDE_MIN_PAIRS draws, with about GUIDE_BUCKETS_PER_CELL buckets per cell, at most 2**GUIDE_MAX_BITS.
GUIDE_MIN_PAIRS: int = 1 << 14
GUIDE_BUCKETS_PER_CELL: int = 4
GUIDE_MAX_BITS: int = 16
#: Up to this many thresholds per row, draws are counted by the explicit-SIMD block counter.
MAX_FUSED_THRESHOLDS: int = 16

RANDOM, CYCLIC, BLOCKS = RULE_CODES["random"], RULE_CODES["cyclic"], RULE_CODES["blocks"]


@njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> _SH30)) * _M1
    z = (z ^ (z >> _SH27)) * _M2
    return z ^ (z >> _SH31)


@njit(cache=True, inline="always")
def _draw(x):
    return np.int64(_mix64(x) >> _SHDRAW)


@njit(cache=True)
def _fused(x, dx, n, ts, lt):
    """lt[j] += #(r < ts[j]) over the n draws from counter x, stride dx (ts: a tuple of thresholds).

    Whole blocks of LANES draws go through the explicit-SIMD block counter; the rest one by one.
    """
    acc = zeros_like_tuple(ts)
    nb = n // LANES
    dxw = dx * np.uint64(LANES)
    for _ in range(nb):
        acc = block_counts(x, dx, ts, acc)
        x += dxw
    for j in range(len(ts)):
        lt[j] += acc[j]
    for _ in range(n - nb * LANES):
        r = _draw(x)
        for j in range(len(ts)):
            lt[j] += r < ts[j]
        x += dx


@njit(cache=True)
def _fused_row(x, dx, n, nt, t, lt):
    """:func:`_fused` on the first nt (1..16) thresholds of t (len(t) >= 16 when nt > 8)."""
    if nt == 1:
        _fused(x, dx, n, (t[0],), lt)
    elif nt == 2:
        _fused(x, dx, n, (t[0], t[1]), lt)
    elif nt == 3:
        _fused(x, dx, n, (t[0], t[1], t[2]), lt)
    elif nt == 4:
        _fused(x, dx, n, (t[0], t[1], t[2], t[3]), lt)
    elif nt <= 8:  # zero-padded thresholds count nothing
        _fused(x, dx, n, (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]), lt)
    else:
        _fused(
            x,
            dx,
            n,
            (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15]),
            lt,
        )


@njit(cache=True)
def _buffered(x, dx, n, t, lt, buf):
    """lt[j] += #(r < t[j]) for every j (len(t) a multiple of 4), TILE draws at a time."""
    for t0 in range(0, n, TILE):
        m = min(TILE, n - t0)
        for i in range(m):
            buf[i] = _draw(x)
            x += dx
        for j in range(0, t.shape[0], 4):
            t1, t2, t3, t4 = t[j], t[j + 1], t[j + 2], t[j + 3]
            a1 = _I32(0)
            a2 = _I32(0)
            a3 = _I32(0)
            a4 = _I32(0)
            for i in range(m):
                r = buf[i]
                a1 = _I32(a1 + _I32(r < t1))
                a2 = _I32(a2 + _I32(r < t2))
                a3 = _I32(a3 + _I32(r < t3))
                a4 = _I32(a4 + _I32(r < t4))
            lt[j] += a1
            lt[j + 1] += a2
            lt[j + 2] += a3
            lt[j + 3] += a4


@njit(cache=True)
def _guide_table(trow, gbits):
    """guide[b] = the cell of the value b * 2**(53 - gbits): the first candidate for every draw in bucket b."""
    shift = np.uint64(DRAW_BITS - gbits)
    guide = np.empty(1 << gbits, dtype=np.int64)
    c = 0
    for b in range(1 << gbits):
        v = np.int64(np.uint64(b) << shift)
        while trow[c + 1] <= v:  # trow[C] = 2**53 > v: the scan stops inside the row
            c += 1
        guide[b] = c
    return guide


@njit(cache=True)
def _searched(x, dx, n, trow, out, buf):
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
    guide = _guide_table(trow, gbits) if guided else np.empty(0, dtype=np.int64)
    shift = np.uint64(DRAW_BITS - gbits)
    for t0 in range(0, n, TILE):
        m = min(TILE, n - t0)
        for i in range(m):
            buf[i] = _draw(x)
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


@njit(cache=True)
def _segment(key, i0, n, step, trow, tpad, out, scratch):
    """Add to out[0:C] the cells of pairs i0, i0+step, ... (n pairs) on threshold row trow.

    tpad: thresholds T_1..T_{C-1} zero-padded to a multiple of 4 (a zero threshold counts nothing).
    scratch: len(tpad) counters, then TILE draws.
    """
    if n <= 0:
        return
    n_cells = trow.shape[0] - 1
    nt = n_cells - 1
    width = tpad.shape[0]
    lt = scratch[:width]
    buf = scratch[width:]
    dx = np.uint64(step) * _G
    x = key + np.uint64(i0 + 1) * _G
    if nt > MAX_COUNTING_THRESHOLDS:
        _searched(x, dx, n, trow, out, buf)
        return
    lt[:] = 0
    if nt <= MAX_FUSED_THRESHOLDS:
        _fused_row(x, dx, n, nt, tpad, lt)
    else:
        _buffered(x, dx, n, tpad, lt, buf)
    # lt[j-1] = #(r < T_j) for j = 1..C-1; cell c = #(r < T_{c+1}) - #(r < T_c)
    below = 0
    for c in range(nt):
        out[c] += lt[c] - below
        below = lt[c]
    out[nt] += n - below


@njit(cache=True)
def _range(key, spec, table, tpad, lo, hi, out, scratch):
    """Add the cell counts (flat s*K + o) of global pairs [lo, hi) to out."""
    rule, n_settings, n_outcomes, block_len = spec[SPEC_RULE], spec[SPEC_S], spec[SPEC_K], spec[SPEC_BLOCK]
    if rule == RANDOM:
        _segment(key, lo, hi - lo, 1, table[0], tpad[0], out, scratch)
    elif rule == CYCLIC:
        for s in range(n_settings):
            first = lo + (s - lo) % n_settings
            if first < hi:
                n = (hi - 1 - first) // n_settings + 1
                base = s * n_outcomes
                _segment(key, first, n, n_settings, table[s], tpad[s], out[base : base + n_outcomes], scratch)
    else:
        for s in range(lo // block_len, (hi - 1) // block_len + 1):
            a = max(lo, s * block_len)
            b = min(hi, (s + 1) * block_len)
            base = s * n_outcomes
            _segment(key, a, b - a, 1, table[s], tpad[s], out[base : base + n_outcomes], scratch)


@njit(cache=True)
def _windows_of(key, spec, table, tpad, lo, hi, res, scratch):
    """Add the counts of [lo, hi) to res rows (window index - w_first), splitting at window edges."""
    window, w_first = spec[SPEC_WINDOW], spec[SPEC_W_FIRST]
    w = lo // window
    while lo < hi:
        end = min(hi, (w + 1) * window)
        _range(key, spec, table, tpad, lo, end, res[w - w_first], scratch)
        lo = end
        w += 1


@njit(cache=True)
def _task(key, spec, table, tpad, lo, hi, out_rows, row):
    """Count one task [lo, hi): into window rows of out_rows (direct) or into out_rows[row]."""
    scratch = np.empty(tpad.shape[1] + TILE, dtype=np.int64)
    if spec[SPEC_DIRECT]:
        _windows_of(key, spec, table, tpad, lo, hi, out_rows, scratch)
    else:
        _range(key, spec, table, tpad, lo, hi, out_rows[row], scratch)


@njit(parallel=True, cache=True)
def count_tasks(key, spec, table, tpad, tasks):
    """Cell counts of the tasks [tasks[t, 0], tasks[t, 1]) as an int64 array (n_rows, S*K).

    Direct (spec): tasks hold whole windows (each window row has one writer) and write window rows
    (window index - w_first) themselves; otherwise task t counts into its own partial row, added to
    row tasks[t, 2] afterwards. Either way the result does not depend on scheduling.
    """
    cells = spec[SPEC_S] * spec[SPEC_K]
    n_tasks = tasks.shape[0]
    direct = spec[SPEC_DIRECT] != 0
    res = np.zeros((spec[SPEC_ROWS], cells), dtype=np.int64)
    part = np.zeros((0 if direct else n_tasks, cells), dtype=np.int64)
    for t in prange(n_tasks):
        if direct:
            _task(key, spec, table, tpad, tasks[t, 0], tasks[t, 1], res, 0)
        else:
            _task(key, spec, table, tpad, tasks[t, 0], tasks[t, 1], part, t)
    for t in range(part.shape[0]):  # explicit loops: no broadcasting machinery to compile
        for c in range(cells):
            res[tasks[t, 2], c] += part[t, c]
    return res


@njit(cache=True)
def count_one_task(key, spec, table, tpad, lo, hi, row):
    """:func:`count_tasks` for a single task, without a parallel launch (small calls: waking the
    thread pool costs more than the work, and much more on a loaded machine)."""
    res = np.zeros((spec[SPEC_ROWS], spec[SPEC_S] * spec[SPEC_K]), dtype=np.int64)
    _task(key, spec, table, tpad, lo, hi, res, row)
    return res


def plan_tasks(a: int, b: int, chunk: int, window: int) -> tuple[np.ndarray, bool]:
    """Task table ``(n, 3)`` of (lo, hi, row) covering global pairs [a, b), and ``direct``.

    window == 0: chunk-sized tasks, all summed into row 0. 0 < window <= chunk: tasks of whole
    windows on a global grid (edges at multiples of ``chunk // window * window``), writing window
    rows directly. window > chunk: chunk-sized pieces of windows, each summed into its window's row.
    """
    if 0 < window <= chunk:
        span = (chunk // window) * window
        edges = np.arange(a // span, (b - 1) // span + 2, dtype=np.int64) * span
        edges[0], edges[-1] = a, b
        tasks = np.stack([edges[:-1], edges[1:], np.zeros(edges.size - 1, dtype=np.int64)], axis=1)
        return np.ascontiguousarray(tasks), True
    if window == 0:
        pieces = [(a, b, 0)]
    else:
        w0 = a // window
        pieces = [(max(a, w * window), min(b, (w + 1) * window), w - w0) for w in range(w0, (b - 1) // window + 1)]
    rows = []
    for wl, wh, r in pieces:
        starts = np.arange(wl, wh, chunk, dtype=np.int64)
        rows.append(np.stack([starts, np.minimum(starts + chunk, wh), np.full(starts.size, r, dtype=np.int64)], axis=1))
    return np.ascontiguousarray(np.concatenate(rows)), False


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
    """Inner thresholds T_1..T_{C-1} of each row, zero-padded to a multiple of four columns (to 16
    columns for 9 to 16 thresholds, the widest block counter)."""
    inner = table[:, 1:-1]
    width = max(4, -(-inner.shape[1] // 4) * 4)
    if 8 < inner.shape[1] <= MAX_FUSED_THRESHOLDS:
        width = MAX_FUSED_THRESHOLDS
    tpad = np.zeros((table.shape[0], width), dtype=np.int64)
    tpad[:, : inner.shape[1]] = inner
    return tpad


def count_plan_range(plan, a: int, b: int, chunk: int = DEFAULT_CHUNK, tpad: np.ndarray | None = None) -> np.ndarray:
    """Cell counts of global pairs [a, b) of a validated plan.

    Returns int64 (rows, S*K): one row without windows, else one row per window touched by
    [a, b) (window ``a // window`` first; a window partly outside [a, b) counts its pairs inside).
    """
    if tpad is None:
        tpad = padded_thresholds(plan.table)
    tasks, direct = plan_tasks(a, b, chunk, plan.window or 0)
    spec = pack_spec(plan, a, b, direct)
    key = np.uint64(plan.key)
    if tasks.shape[0] == 1:
        return count_one_task(key, spec, plan.table, tpad, tasks[0, 0], tasks[0, 1], tasks[0, 2])
    return count_tasks(key, spec, plan.table, tpad, tasks)
