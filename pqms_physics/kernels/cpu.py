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
:data:`MAX_FUSED_THRESHOLDS` inner thresholds are counted on blocks of 128 draws by the narrow-key
counter where it is compiled and the row has at most four (:mod:`.narrow`: 16-bit compares of the top
bits, 32 pairs each, undecided keys recounted exactly; x86 with AVX2 or AVX-512BW), elsewhere and on the
rest of a segment by :func:`.simd.block_counts` on blocks of 64 draws (explicit vector IR: one compare
per threshold and eight pairs, the mask counted with ``popcnt``; no branches, no per-pair memory
writes); one to eight thresholds are compared exactly (a padded zero threshold would cost a compare per
pair for nothing), nine to sixteen as sixteen. Thin helpers are inlined into their callers
(``inline="always"``): every cached Numba function carries its own compiled copy of all it calls, so
fewer levels mean a shorter first compile (22 s instead of 37 s uncached).
Rows with up to :data:`MAX_COUNTING_THRESHOLDS` thresholds buffer :data:`TILE` draws and count four
thresholds per pass (``int32`` per-lane counters); longer rows find each draw's cell with a guide
table (index search: the top bits of the draw give the first candidate cell) and count it (same
cells; :mod:`.cpu_search`). The ``"random"`` rule compares ``v = u >> (11 - b)`` with its joint
table (:mod:`.rng`), and with ``S`` = 2 or 4 and at most 16 thresholds per row it counts each
setting's own thresholds in per-lane counters instead (:mod:`.simd_random`, :mod:`.narrow`). Cell counts
are ``c_{j+1} - c_j`` (``c_0 = 0``, ``c_C = n``). All words are explicitly ``np.uint64`` /
``np.int64`` / ``np.int32``, so no mixed-sign promotion to float64 happens (a Numba pitfall).

Kernel arguments
----------------
No kernel takes more than eight positional arguments: the integers of a plan travel as one packed
``int64`` array ``spec`` (:func:`._plan.pack_spec`; fields ``SPEC_*``), the tasks as one ``(n, 3)``
array of ``(lo, hi, row)``, and the scratch space of a task as one array (counters, then a tile of draws).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from pqms_physics.kernels import narrow, simd_narrow, simd_random
from pqms_physics.kernels._plan import (
    SPEC_BLOCK,
    SPEC_DIRECT,
    SPEC_K,
    SPEC_ROWS,
    SPEC_RULE,
    SPEC_S,
    SPEC_SHIFT,
    SPEC_W16,
    SPEC_W_FIRST,
    SPEC_WINDOW,
    pack_spec,
)
from pqms_physics.kernels.cpu_search import TILE, _draw, _mix64, _searched
from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, RULE_CODES, setting_bits
from pqms_physics.kernels.simd import LANES, block_counts, zeros_like_tuple
from pqms_physics.kernels.simd_random import random_segment

_G = np.uint64(GAMMA)
_SHDRAW = np.uint64(64 - DRAW_BITS)
_I32 = np.int32

#: Above this many thresholds per row, cells are found by binary search.
MAX_COUNTING_THRESHOLDS: int = 32
#: Default task size (pairs) of the parallel loop.
DEFAULT_CHUNK: int = 1 << 20
#: Up to this many thresholds per row, draws are counted by the explicit-SIMD block counter.
MAX_FUSED_THRESHOLDS: int = 16

RANDOM, CYCLIC, BLOCKS = RULE_CODES["random"], RULE_CODES["cyclic"], RULE_CODES["blocks"]


@njit(cache=True)
def _no_narrow(x, dx, n, ts, lt, buf):
    """Stand-in for :func:`.narrow.fixed_counted` where no narrow-key path is compiled: counts nothing."""
    return 0


#: Whole blocks of 128 draws on 16-bit keys (x86 with AVX2 or AVX-512BW, :mod:`.narrow`), chosen at import.
_narrow_fixed = narrow.fixed_counted if simd_narrow.MODE is not None else _no_narrow


@njit(cache=True, inline="always")
def _fused(x, dx, n, ts, lt, buf):
    """lt[j] += #(r < ts[j]) over the n draws r_i from counter x, stride dx (ts: a tuple of thresholds).

    Whole blocks of 128 draws go through the narrow-key counter where it is compiled (buf: its tie
    buffer), the rest through :func:`_fused64`.
    """
    done = _narrow_fixed(x, dx, n, ts, lt, buf)
    _fused64(x + dx * np.uint64(done), dx, n - done, ts, lt)


@njit(cache=True)
def _fused64(x, dx, n, ts, lt):
    """lt[j] += #(r < ts[j]) over the n draws: whole blocks of LANES draws through the explicit-SIMD block
    counter, the rest one by one."""
    acc = zeros_like_tuple(ts)
    nb = n // LANES
    dxw = dx * np.uint64(LANES)
    for _ in range(nb):
        acc = block_counts(x, dx, ts, acc)
        x += dxw
    for j in range(len(ts)):
        lt[j] += acc[j]
    for _ in range(n - nb * LANES):
        r = _draw(x, _SHDRAW)
        for j in range(len(ts)):
            lt[j] += r < ts[j]
        x += dx


@njit(cache=True, inline="always")
def _fused_row(x, dx, n, nt, t, lt, buf):
    """:func:`_fused` on the first nt (1..16) thresholds of t (len(t) >= 16 when nt > 8)."""
    if nt == 1:
        _fused(x, dx, n, (t[0],), lt, buf)
    elif nt == 2:
        _fused(x, dx, n, (t[0], t[1]), lt, buf)
    elif nt == 3:
        _fused(x, dx, n, (t[0], t[1], t[2]), lt, buf)
    elif nt == 4:
        _fused(x, dx, n, (t[0], t[1], t[2], t[3]), lt, buf)
    elif nt <= 8:  # zero-padded thresholds count nothing; the 64-bit counter only (a shorter compile)
        _fused64(x, dx, n, (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]), lt)
    else:
        _fused64(
            x,
            dx,
            n,
            (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15]),
            lt,
        )


@njit(cache=True)
def _buffered(x, dx, n, sh, t, lt, buf):
    """lt[j] += #(r < t[j]) for every j (len(t) a multiple of 4), TILE draws r = u >> sh at a time."""
    for t0 in range(0, n, TILE):
        m = min(TILE, n - t0)
        for i in range(m):
            buf[i] = _draw(x, sh)
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


@njit(cache=True, inline="always")
def _segment(x, n, step, sh, trow, tpad, out, scratch):
    """Add to out[0:C] the cells of pairs i0, i0+step, ... (n pairs; x = key + (i0 + 1)*GAMMA) on threshold
    row trow, comparing the draws u >> sh (r_i, or v_i of the random rule).

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
    if nt > MAX_COUNTING_THRESHOLDS:
        _searched(x, dx, n, sh, trow, out, buf)
        return
    lt[:] = 0
    if nt <= MAX_FUSED_THRESHOLDS and sh == _SHDRAW:
        _fused_row(x, dx, n, nt, tpad, lt, buf)
    else:  # also v_i of the random rule with S >= 8 (S*K - 1 <= 16 only for 8 x 2)
        _buffered(x, dx, n, sh, tpad, lt, buf)
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
        x = key + np.uint64(lo + 1) * _G
        if spec[SPEC_W16] > 0:  # S = 2 or 4: per-setting packed counters (simd_random)
            random_segment(x, hi - lo, n_settings, spec[SPEC_W16], n_outcomes, tpad[0], out, scratch)
        else:
            _segment(x, hi - lo, 1, np.uint64(spec[SPEC_SHIFT]), table[0], tpad[0], out, scratch)
    elif rule == CYCLIC:
        for s in range(n_settings):
            first = lo + (s - lo) % n_settings
            if first < hi:
                n = (hi - 1 - first) // n_settings + 1
                base = s * n_outcomes
                x = key + np.uint64(first + 1) * _G
                _segment(x, n, n_settings, _SHDRAW, table[s], tpad[s], out[base : base + n_outcomes], scratch)
    else:
        for s in range(lo // block_len, (hi - 1) // block_len + 1):
            a = max(lo, s * block_len)
            b = min(hi, (s + 1) * block_len)
            base = s * n_outcomes
            x = key + np.uint64(a + 1) * _G
            _segment(x, b - a, 1, _SHDRAW, table[s], tpad[s], out[base : base + n_outcomes], scratch)


@njit(cache=True, inline="always")
def _windows_of(key, spec, table, tpad, lo, hi, res, scratch):
    """Add the counts of [lo, hi) to res rows (window index - w_first), splitting at window edges."""
    window, w_first = spec[SPEC_WINDOW], spec[SPEC_W_FIRST]
    w = lo // window
    while lo < hi:
        end = min(hi, (w + 1) * window)
        _range(key, spec, table, tpad, lo, end, res[w - w_first], scratch)
        lo = end
        w += 1


@njit(cache=True, inline="always")
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


def w16_width(plan) -> int:
    """Padded thresholds per setting of the packed-counter random path for this plan (0: not used)."""
    return simd_random.width(plan.n_settings, plan.n_outcomes, setting_bits(plan.n_settings, plan.setting_choice))


def padded_thresholds(table: np.ndarray, n_settings: int = 1, w16: int = 0) -> np.ndarray:
    """Inner thresholds T_1..T_{C-1} of each row, zero-padded to a multiple of four columns (to 16
    columns for 9 to 16 thresholds, the widest block counter); with ``w16 > 0`` (random rule, S = 2
    or 4) the packed-counter table :func:`.simd_random.packed_table` instead."""
    if w16:
        return simd_random.packed_table(table, n_settings, w16)
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
    w16 = w16_width(plan)
    if tpad is None:
        tpad = padded_thresholds(plan.table, plan.n_settings, w16)
    tasks, direct = plan_tasks(a, b, chunk, plan.window or 0)
    spec = pack_spec(plan, a, b, direct, w16)
    key = np.uint64(plan.key)
    if tasks.shape[0] == 1:
        return count_one_task(key, spec, plan.table, tpad, tasks[0, 0], tasks[0, 1], tasks[0, 2])
    return count_tasks(key, spec, plan.table, tpad, tasks)
