"""Optional CUDA path (extra ``gpu``: numba-cuda): the same stream and counts on an NVIDIA GPU.

Importing this module is light; :mod:`numba.cuda` is imported on first use, and on a machine
without a usable GPU :func:`require_cuda` raises :class:`CudaUnavailableError` saying why.

Each GPU thread takes tasks of ``per_thread`` consecutive global pair indices (grid-stride over
tasks), splits a task at window and block edges into segments and counts each segment with the
same threshold-counting rule as the CPU kernel (``c_j += r < T_j`` in registers, ``r`` the draw
``u >> 11`` or, for the ``"random"`` rule with ``S = 2**b``, ``v = u >> (11 - b)`` on the joint
table; cells ``c_{j+1} - c_j``; a binary search per draw for rows with more than
:data:`MAX_REGISTER_THRESHOLDS` thresholds). A segment's cell counts are added to the output with
64-bit integer atomics, which are exact in any order: counts are bit-identical to the CPU's.
The logic is tested on the CPU with Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from pqms_physics.kernels._driver import accumulate_calls
from pqms_physics.kernels._plan import (
    SPEC_BLOCK,
    SPEC_K,
    SPEC_ROWS,
    SPEC_RULE,
    SPEC_S,
    SPEC_SHIFT,
    SPEC_W_FIRST,
    SPEC_WINDOW,
    pack_spec,
)
from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, MIX_MUL1, MIX_MUL2

#: Rows with more thresholds than this use a binary search per draw (slow path).
MAX_REGISTER_THRESHOLDS: int = 32
#: Default pairs per task, threads per block and pairs per kernel launch.
PER_THREAD: int = 1 << 14
THREADS_PER_BLOCK: int = 256
LAUNCH_PAIRS: int = 1 << 34

_INSTALL_HINT = (
    "install the 'gpu' extra (pip install 'pqms_physics[gpu]', i.e. numba-cuda) on a machine with an "
    "NVIDIA GPU and driver, or use device='cpu'"
)


#: numba.cuda once imported. Kernels must reach it as this module global (not a closure
#: variable): Numba's CUDA simulator swaps module globals that hold numba.cuda for its fake module.
cuda: Any = None


class CudaUnavailableError(RuntimeError):
    """device="cuda" was requested but numba-cuda or a CUDA GPU is not usable here."""


def _import_cuda():
    """Import numba.cuda (with the NumPy 2.5 compatibility alias) or raise CudaUnavailableError."""
    # NumPy 2.5 removed np.row_stack, which numba-cuda still references at import time. Where it is
    # missing we alias it to the identical np.vstack. This sets an attribute of the numpy module
    # itself, so it is process-wide (every importer of numpy sees it), not local to this module;
    # it is done only when NumPy lacks the name, and only when the CUDA path is first used.
    if not hasattr(np, "row_stack"):
        np.row_stack = np.vstack
    global cuda
    try:
        from numba import cuda as numba_cuda
    except ImportError as exc:  # numba-cuda (or numba) missing
        raise CudaUnavailableError(
            f"device='cuda' needs numba-cuda, which failed to import ({exc}); {_INSTALL_HINT}"
        ) from exc
    cuda = numba_cuda
    return numba_cuda


def require_cuda():
    """Return :mod:`numba.cuda` if a CUDA GPU (or the simulator) is usable, else raise.

    Raises
    ------
    CudaUnavailableError
        numba-cuda is not installed, or ``numba.cuda.is_available()`` is False (no GPU or driver).
    """
    numba_cuda = _import_cuda()
    try:
        available = numba_cuda.is_available()
    except Exception as exc:  # a broken driver raises here rather than returning False
        raise CudaUnavailableError(f"device='cuda': CUDA initialisation failed ({exc}); {_INSTALL_HINT}") from exc
    if not available:
        raise CudaUnavailableError(
            f"device='cuda': no CUDA GPU or driver found (numba.cuda.is_available() is False); {_INSTALL_HINT}"
        )
    return numba_cuda


@functools.cache
def _kernel(n_thresholds: int):
    """The counting kernel for rows of ``n_thresholds`` inner thresholds (a compile-time constant)."""
    require_cuda()
    from numba import int64

    G = np.uint64(GAMMA)
    M1 = np.uint64(MIX_MUL1)
    M2 = np.uint64(MIX_MUL2)
    SH30, SH27, SH31 = np.uint64(30), np.uint64(27), np.uint64(31)
    SHD = np.uint64(64 - DRAW_BITS)
    NT = n_thresholds  # >= 1 since K >= 2
    REGISTERS = n_thresholds <= MAX_REGISTER_THRESHOLDS

    @cuda.jit(device=True, inline=True)
    def draw(x, sh):
        z = (x ^ (x >> SH30)) * M1
        z = (z ^ (z >> SH27)) * M2
        return np.int64((z ^ (z >> SH31)) >> sh)

    @cuda.jit(device=True)
    def segment(x, n, step, sh, table, row, out_row, base):
        """Add cells of pairs i0, i0+step, ... (n pairs; x = key + (i0 + 1)*GAMMA) on threshold row `row`
        to out_row[base:], comparing the draws u >> sh (r_i, or v_i of the random rule)."""
        dx = np.uint64(step) * G
        if REGISTERS:
            t = cuda.local.array(NT, int64)
            c = cuda.local.array(NT, int64)
            for j in range(NT):
                t[j] = table[row, j + 1]
                c[j] = 0
            for _ in range(n):
                r = draw(x, sh)
                for j in range(NT):
                    c[j] += r < t[j]
                x += dx
            below = 0
            for j in range(n_thresholds):
                if c[j] != below:
                    cuda.atomic.add(out_row, base + j, c[j] - below)
                below = c[j]
            if n != below:
                cuda.atomic.add(out_row, base + n_thresholds, n - below)
        else:
            for _ in range(n):
                r = draw(x, sh)
                lo = 0
                hi = n_thresholds + 1  # invariant: table[row, lo] <= r < table[row, hi]
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if table[row, mid] <= r:
                        lo = mid
                    else:
                        hi = mid
                cuda.atomic.add(out_row, base + lo, 1)
                x += dx

    @cuda.jit
    def kernel(key, spec, table, a, b, per_thread, out):
        """Counts of global pairs [a, b) into out (rows: windows - w_first); spec: _plan.pack_spec."""
        rule, n_settings, n_outcomes = spec[SPEC_RULE], spec[SPEC_S], spec[SPEC_K]
        block_len, window, w_first = spec[SPEC_BLOCK], spec[SPEC_WINDOW], spec[SPEC_W_FIRST]
        sh = np.uint64(spec[SPEC_SHIFT])  # v_i (setting bits on top) for the random rule, else r_i
        n_tasks = (b - a + per_thread - 1) // per_thread
        for task in range(cuda.grid(1), n_tasks, cuda.gridsize(1)):
            i = a + task * per_thread
            end = min(b, i + per_thread)
            while i < end:
                seg_end = end
                orow = 0
                if window > 0:
                    seg_end = min(seg_end, (i // window + 1) * window)
                    orow = i // window - w_first
                out_row = out[orow]
                if rule == 0:
                    segment(key + np.uint64(i + 1) * G, seg_end - i, 1, sh, table, 0, out_row, 0)
                elif rule == 1:
                    for s in range(n_settings):
                        first = i + (s - i) % n_settings
                        if first < seg_end:
                            n = (seg_end - 1 - first) // n_settings + 1
                            x = key + np.uint64(first + 1) * G
                            segment(x, n, n_settings, SHD, table, s, out_row, s * n_outcomes)
                else:
                    s = i // block_len
                    seg_end = min(seg_end, (s + 1) * block_len)
                    segment(key + np.uint64(i + 1) * G, seg_end - i, 1, SHD, table, s, out_row, s * n_outcomes)
                i = seg_end

    return kernel


def count_range(
    plan,
    a: int,
    b: int,
    *,
    per_thread: int = PER_THREAD,
    threads_per_block: int = THREADS_PER_BLOCK,
    blocks: int | None = None,
    d_table: Any = None,
) -> np.ndarray:
    """Cell counts of global pairs [a, b) on the GPU: rows as :func:`.cpu.count_plan_range`."""
    require_cuda()
    kernel = _kernel(plan.table.shape[1] - 2)
    spec = pack_spec(plan, a, b)
    out = cuda.to_device(np.zeros((spec[SPEC_ROWS], plan.n_settings * plan.n_outcomes), dtype=np.int64))
    if d_table is None:
        d_table = cuda.to_device(plan.table)
    if blocks is None:
        n_tasks = -(-(b - a) // per_thread)
        from numba import config

        sms = 1 if config.ENABLE_CUDASIM else cuda.get_current_device().MULTIPROCESSOR_COUNT
        blocks = max(1, min(-(-n_tasks // threads_per_block), 32 * sms))
    kernel[blocks, threads_per_block](
        np.uint64(plan.key), cuda.to_device(spec), d_table, np.int64(a), np.int64(b), np.int64(per_thread), out
    )
    return out.copy_to_host()


def count_plan(
    plan, update: Callable[[int], Any] | None = None, *, launch_pairs: int = LAUNCH_PAIRS, **launch: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    """Counts (S*K,) and window counts (n_windows, S*K) of a validated plan on the GPU."""
    require_cuda()
    d_table = cuda.to_device(plan.table)
    return accumulate_calls(
        plan, launch_pairs, lambda lo, hi: count_range(plan, lo, hi, d_table=d_table, **launch), update
    )
