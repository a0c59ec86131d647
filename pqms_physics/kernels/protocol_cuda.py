"""Optional CUDA path of the repeater-protocol Monte Carlo (extra ``gpu``: numba-cuda): one run per GPU thread.

Same stream, same runs, same accumulators as the Numba CPU kernel :mod:`.protocol_cpu`:

* run ``r`` has the key ``mix64(base ^ mix64(r + 2 GAMMA))`` and consumes its own sub-stream draw by draw
  exactly as on the CPU (the stream of :mod:`.protocol_reference`);
* the per-run code is *the CPU kernel's own code*: the Python functions behind the CPU kernel's ``@njit``
  helpers (``_mix64``, ``_geom``, ``_bits``, ``_table_draw``, ``_nested_run``, ``_chain_run``) are compiled
  again with ``cuda.jit(device=True)``, their calls to one another rebound to the device versions
  (:func:`_device_functions`); nothing of the protocols is written twice;
* each thread takes runs ``start + i`` for ``i = thread, thread + n_threads, ...`` (grid stride), adds
  ``T`` and the fixed-point ``w`` of each run to the histograms with 64-bit integer atomics and keeps its
  sums of ``T``, ``T**2``, ``w``, ``w**2`` (fixed point) in registers, added atomically at the end.
  Integer sums do not depend on the order, so the result does not depend on the launch shape.

Hence, run for run, the GPU computes the CPU kernel's arithmetic, and all outputs are integers. In Numba's
CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``, how the tests check the logic without a GPU) the math functions
are the host's, and the result equals the CPU kernel's bit for bit. On a real GPU, ``math.log`` and
``math.exp`` are CUDA's libdevice functions (error <= 1-2 ulp, not always the host libm's last bit). Integer
and comparison logic is unaffected unless a value lies within an ulp of a rounding edge: ``ceil(log(u) c)``
of a geometric time (probability ~1e-16 per draw), the Werner cutoff, or the fixed-point rounding
``floor(w 2**32 + 1/2)`` of a ``w`` with ``T_coh < inf`` (probability ~2**-21 per distinct value of ``w``;
then off by one unit, 2**-32, in that run's ``w`` only). With ``T_coh = inf`` every ``exp`` is ``exp(-0) = 1``
and ``w`` is exact. The real-GPU tests therefore require everything to be identical at ``T_coh = inf``, and
otherwise the counts and sums of ``T`` to be identical and the fixed-point sums of ``w`` to agree within one
unit (2**-32) per run (so ``mean_werner`` within 2**-32). No FMA contraction can change a result: the only
multiply-adds are ``w 2**32 + 1/2``, whose product is exact.

Importing this module is light: numba.cuda and the CPU kernel module load on first use; without numba-cuda
or a GPU (and not in the simulator) :func:`~.cuda.require_cuda` raises :class:`~.cuda.CudaUnavailableError`.
"""

from __future__ import annotations

import functools
import math
import types
from typing import Any

import numpy as np

from pqms_physics.kernels import cuda as _kcuda
from pqms_physics.kernels.protocol_reference import NESTED, SWAP_ASAP

#: Threads per block of a launch (the kernel is register-heavy and its runs diverge: small blocks).
THREADS_PER_BLOCK: int = 128
#: Blocks per streaming multiprocessor at most (grid stride covers the rest).
BLOCKS_PER_SM: int = 16

#: numba.cuda once imported. Kernels must reach it as this module global (not a closure variable):
#: Numba's CUDA simulator swaps module globals that hold numba.cuda for its fake module.
cuda: Any = None

#: The CPU kernel's helpers compiled as device functions, callees first (see :func:`_device_functions`).
_SHARED = ("_mix64", "_geom", "_bits", "_table_draw", "_nested_run", "_chain_run")


def _require_cuda():
    global cuda
    cuda = _kcuda.require_cuda()
    return cuda


def _device_functions() -> dict[str, Any]:
    """The functions of :data:`_SHARED` as ``cuda.jit(device=True)`` functions.

    Each is the Python function behind the CPU kernel's ``@njit`` dispatcher (``.py_func``: the same
    code object), with globals that are a copy of :mod:`.protocol_cpu`'s in which the names of
    :data:`_SHARED` are the device versions, so that ``_nested_run`` calls the device ``_geom``, etc.
    """
    from pqms_physics.kernels import protocol_cpu

    scope = dict(vars(protocol_cpu))
    for name in _SHARED:
        py = getattr(protocol_cpu, name).py_func
        fn = types.FunctionType(py.__code__, scope, py.__name__, py.__defaults__, py.__closure__)
        fn.__qualname__ = f"protocol_cuda.{name}"
        scope[name] = cuda.jit(device=True)(fn)
    return {name: scope[name] for name in _SHARED}


def capacity(segments: int) -> int:
    """Length of the per-thread scratch arrays for ``segments``: a power of two >= 8, ``segments`` and
    ``levels + 1`` (one compiled kernel per capacity)."""
    return max(8, 1 << (int(segments) - 1).bit_length())


@functools.cache
def _kernel(cap: int):
    """The kernel with per-thread scratch arrays of length ``cap`` (a compile-time constant)."""
    _require_cuda()
    from numba import float64, int64

    from pqms_physics.kernels import protocol_cpu as pc

    dev = _device_functions()
    mix64, geom, nested_run, chain_run = dev["_mix64"], dev["_geom"], dev["_nested_run"], dev["_chain_run"]
    G, G2, WS = pc._G, pc._G2, pc._WS
    CAP = cap

    @cuda.jit
    def kernel(
        scheme,
        segments,
        levels,
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
        hist,
        hist_w,
        sums,
    ):
        """Runs ``start + i`` for ``i`` in ``[0, n_runs)``, grid stride; as simulate_block of protocol_cpu."""
        st = cuda.local.array(CAP, int64)
        ph = cuda.local.array(CAP, int64)
        tf = cuda.local.array(CAP, int64)
        wf = cuda.local.array(CAP, float64)
        arrival = cuda.local.array(CAP, int64)
        cover = cuda.local.array(CAP, int64)
        hi = cuda.local.array(CAP, int64)
        ctime = cuda.local.array(CAP, int64)
        wl = cuda.local.array(CAP, float64)
        tau = cutoffs[0] if cutoffs.size > 0 else np.int64(-1)
        s_t = np.int64(0)
        s_t2 = np.int64(0)
        s_w = np.int64(0)
        s_w2 = np.int64(0)
        for i in range(cuda.grid(1), n_runs, cuda.gridsize(1)):
            key = mix64(base ^ mix64(np.uint64(start + i) + G2))
            if scheme == NESTED:
                t, w = nested_run(
                    levels, c, w0, thr, inv_tc, cutoffs, wcut, v_cdf, v_guide, d_cdf, d_guide, key, st, ph, tf, wf
                )
            elif segments == 1:
                t = geom(key + G, c)
                w = w0
            else:
                t, w = chain_run(
                    segments, scheme == SWAP_ASAP, c, w0, thr, inv_tc, tau, wcut, key, arrival, cover, hi, ctime, wl
                )
            b = min(t, t_trunc + 1)
            wfix = np.int64(math.floor(w * WS + 0.5))
            cuda.atomic.add(hist, b, np.int64(1))
            cuda.atomic.add(hist_w, b, wfix)
            s_t += t
            s_t2 += t * t
            s_w += wfix
            s_w2 += np.int64(math.floor(w * w * WS + 0.5))
        cuda.atomic.add(sums, 0, s_t)
        cuda.atomic.add(sums, 1, s_t2)
        cuda.atomic.add(sums, 2, s_w)
        cuda.atomic.add(sums, 3, s_w2)

    return kernel


def device_args(args: tuple) -> tuple:
    """``args`` (the kernel arguments of ``montecarlo.kernel_args``) with their arrays copied to the GPU once,
    for several :func:`simulate_block` calls. Raises CudaUnavailableError without a usable GPU."""
    _require_cuda()
    return tuple(cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args)


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
    *,
    threads_per_block: int = THREADS_PER_BLOCK,
    blocks: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs ``[start, start + n_runs)`` on the GPU: ``(hist, hist_w, sums)`` equal to
    :func:`.protocol_cpu.simulate_block` with the same arguments (its ``n_tasks`` aside).

    The arrays may be host arrays or the device arrays of :func:`device_args`. ``threads_per_block`` and
    ``blocks`` (default: enough for one run per thread, at most ``BLOCKS_PER_SM`` per multiprocessor) do not
    change the result. ``n_runs <= protocol_cpu.MAX_BLOCK_RUNS`` keeps the int64 sums exact.
    """
    _require_cuda()
    levels = 0
    while (1 << (levels + 1)) <= segments:
        levels += 1
    kernel = _kernel(capacity(segments))
    nb = t_trunc + 2
    hist = cuda.to_device(np.zeros(nb, dtype=np.int64))
    hist_w = cuda.to_device(np.zeros(nb, dtype=np.int64))
    sums = cuda.to_device(np.zeros(4, dtype=np.int64))
    if blocks is None:
        from numba import config

        sms = 1 if config.ENABLE_CUDASIM else cuda.get_current_device().MULTIPROCESSOR_COUNT
        blocks = max(1, min(-(-n_runs // threads_per_block), BLOCKS_PER_SM * sms))
    cutoffs, v_cdf, v_guide, d_cdf, d_guide = (
        cuda.to_device(np.ascontiguousarray(a)) if isinstance(a, np.ndarray) else a
        for a in (cutoffs, v_cdf, v_guide, d_cdf, d_guide)
    )
    if n_runs > 0:
        kernel[blocks, threads_per_block](
            np.int64(scheme),
            np.int64(segments),
            np.int64(levels),
            np.float64(c),
            np.float64(w0),
            np.int64(thr),
            np.float64(inv_tc),
            cutoffs,
            np.float64(wcut),
            v_cdf,
            v_guide,
            d_cdf,
            d_guide,
            np.uint64(base),
            np.int64(start),
            np.int64(n_runs),
            np.int64(t_trunc),
            hist,
            hist_w,
            sums,
        )
    return hist.copy_to_host(), hist_w.copy_to_host(), sums.copy_to_host()


__all__ = ["THREADS_PER_BLOCK", "device_args", "simulate_block"]
