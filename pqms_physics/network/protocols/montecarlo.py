"""Monte Carlo engine of the repeater protocols: many independent protocol runs on the counter stream.

Every run draws its elementary-link generation times by inversion (one uniform per link, not one per round)
and its swap outcomes from its own sub-stream ``(seed, run)`` of :mod:`pqms_physics.kernels.rng`; the run's
delivery round ``T`` and Werner parameter ``w`` go straight into a histogram of ``T`` (up to ``t_trunc``, plus
an overflow count) and integer running sums of ``T``, ``T**2``, ``w``, ``w**2`` (``w`` in fixed point,
resolution ``2**-32``). Hence:

* the same ``(spec, samples, seed, t_trunc)`` gives the same result on any thread count and any chunking
  (tested); the stream is named by :data:`PROTOCOL_STREAM_VERSION` and recorded in the result;
* memory is ``O(threads * t_trunc)``, flat in ``samples``;
* ``device="cuda"`` runs the same runs on an NVIDIA GPU (:mod:`pqms_physics.kernels.protocol_cuda`, one run per
  GPU thread, the CPU kernel's code compiled for the device, integer atomics): the same counts (see that module
  for the last-bit caveat of the GPU's ``exp``/``log``); ``device="numpy"`` the plain-Python twin (slow);
* ``mean_time`` and ``mean_werner`` are sample means over *all* runs, including those beyond ``t_trunc``.

The model is the one of :mod:`pqms_physics.network.protocols`; where that docstring leaves a choice to the
engine (``"swap-asap"`` with a memory cutoff), the Monte Carlo engine uses: a stored link (elementary or made
by a swap) whose age since its creation reaches ``tau`` rounds without being swapped is discarded at the end
of that round and its segments regenerate. The exact draw-by-draw definition is in
:mod:`pqms_physics.kernels.protocol_reference` (the plain-Python twin of the Numba kernel).

References
----------
B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cutoffs in quantum repeater chains",
IEEE Trans. Quantum Eng. 2, 4103015 (2021) (their Monte Carlo is the baseline of benchmarks/bench_protocols.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pqms_physics import conventions
from pqms_physics.errors import check_choice, check_int, check_seed
from pqms_physics.kernels import protocol_reference as ref
from pqms_physics.network.protocols.result import ProtocolResult
from pqms_physics.network.protocols.spec import ProtocolSpec
from pqms_physics.progress import ProgressArg, progress_bar

#: Version of the protocol stream (the use of each draw, :mod:`pqms_physics.kernels.protocol_reference`);
#: recorded in every Monte Carlo :class:`ProtocolResult`. Any change to what a draw means gets a new number.
PROTOCOL_STREAM_VERSION: int = 2
#: Default number of runs per kernel call (one progress step).
DEFAULT_CHUNK: int = 1 << 18
#: Runs of the pilot that sets ``t_trunc`` when it is not given.
PILOT_RUNS: int = 20_000
#: ``t_trunc = ceil(mean + PILOT_SIGMAS * std)`` of the pilot when not given.
PILOT_SIGMAS: float = 30.0
#: Largest automatic ``t_trunc`` (histogram memory bound).
MAX_AUTO_T_TRUNC: int = 5_000_000
#: Devices of :func:`simulate`: the Numba CPU kernel, the plain-Python twin, the optional CUDA kernel.
DEVICES: tuple[str, ...] = conventions.DEVICES


def kernel_args(spec: ProtocolSpec) -> tuple:
    """The plain arguments of the kernels for ``spec``: ``(scheme, segments, c, w0, thr, inv_tc, cutoffs, wcut,
    v_cdf, v_guide, d_cdf, d_guide)`` (the last four: level-1 tables, empty when not used).

    Examples
    --------
    >>> args = kernel_args(ProtocolSpec(4, 0.5, cutoff=(3, 7)))
    >>> args[0], args[1], args[6].tolist()
    (0, 4, [3, 7])
    """
    if spec.scheme == "nested":
        cuts = [spec.cutoff_for_level(j) for j in range(1, spec.levels + 1)]
    else:
        cuts = [spec.cutoff if isinstance(spec.cutoff, int) else None]
    cutoffs = np.array([ref.NO_CUTOFF if c is None else int(c) for c in cuts], dtype=np.int64)
    inv_tc = 0.0 if math.isinf(spec.coherence_time) else 1.0 / spec.coherence_time
    wcut = -1.0 if spec.werner_cutoff is None else float(spec.werner_cutoff)
    tables = (
        ref.level1_tables(spec.p_eff, spec.p_swap, spec.link_werner, inv_tc, int(cutoffs[0]), wcut)
        if spec.scheme == "nested" and spec.levels >= 1
        else (ref._EMPTY,) * 4
    )
    return (
        ref.SCHEME_CODES[spec.scheme],
        spec.segments,
        ref.geometric_factor(spec.p_eff),
        spec.link_werner,
        ref.swap_threshold(spec.p_swap),
        inv_tc,
        cutoffs,
        wcut,
        *tables,
    )


def _count(args: tuple, seed: int, start: int, n_runs: int, t_trunc: int, threads: int | None, device: str = "cpu"):
    from pqms_physics.kernels.protocol_cpu import MAX_BLOCK_RUNS, simulate_block

    if device == "numpy":
        h, hw, s = ref.simulate_reference(*args, seed, start, n_runs, t_trunc)
        return h, hw, [int(v) for v in s]
    if device == "cuda":  # args from protocol_cuda.device_args
        from pqms_physics.kernels.protocol_cuda import simulate_block as cuda_block
    base = np.uint64(ref.base_key(seed))
    hist = np.zeros(t_trunc + 2, dtype=np.int64)
    hist_w = np.zeros(t_trunc + 2, dtype=np.int64)
    sums = [0, 0, 0, 0]
    if threads is None:
        import numba

        threads = numba.get_num_threads()
    done = 0
    while done < n_runs:
        m = min(MAX_BLOCK_RUNS, n_runs - done)
        if device == "cuda":
            h, hw, s = cuda_block(*args, base, start + done, m, t_trunc)
        else:
            tasks = max(1, min(4 * threads, m))
            h, hw, s = simulate_block(*args, base, start + done, m, t_trunc, tasks)
        hist += h
        hist_w += hw
        for i in range(4):
            sums[i] += int(s[i])
        done += m
    return hist, hist_w, sums


def _auto_t_trunc(args: tuple, seed: int, samples: int, device: str = "cpu") -> int:
    n = min(samples, PILOT_RUNS)
    _, _, sums = _count(args, seed, 0, n, 1, None, device)
    mean = sums[0] / n
    var = max(0.0, sums[1] / n - mean * mean)
    return int(min(MAX_AUTO_T_TRUNC, max(16, math.ceil(mean + PILOT_SIGMAS * math.sqrt(var)))))


def simulate(
    spec: ProtocolSpec,
    *,
    samples: int,
    seed: int,
    t_trunc: int | None = None,
    progress: ProgressArg = None,
    chunk: int | None = None,
    device: str = "cpu",
) -> ProtocolResult:
    """Monte Carlo waiting-time distribution and Werner parameter of a repeater protocol.

    Parameters
    ----------
    spec : ProtocolSpec
        The protocol (time in rounds).
    samples : int
        Number of independent protocol runs, ``>= 1`` (standard errors need ``>= 2``; nan otherwise).
    seed : int
        Seed in ``[0, 2**64 - 1]``; run ``r`` uses the sub-stream ``(seed, r)``.
    t_trunc : int, optional
        Last round of the histogram (``>= 1``); runs beyond it are counted in ``truncated_mass`` and still
        enter the means. None: ``ceil(mean + 30 std)`` of a pilot of the first 20000 runs (same stream, so
        the choice is reproducible), capped at 5e6.
    progress : None, bool or callable, optional
        Progress bar (see :func:`pqms_physics.progress.progress_bar`); one step per chunk.
    chunk : int, optional
        Runs per kernel call (default 2**18). Does not change the result.
    device : {"cpu", "numpy", "cuda"}, optional
        ``"cpu"`` (default): the Numba kernel; ``"numpy"``: its plain-Python twin (slow, the test oracle);
        ``"cuda"``: the optional CUDA kernel (extra ``gpu``), the same counts (module docstring); raises
        :class:`~pqms_physics.kernels.CudaUnavailableError` without numba-cuda or a GPU.

    Returns
    -------
    ProtocolResult
        ``method="monte-carlo"``: empirical ``pmf`` and ``werner`` (``E[w | T = t]``, nan where no run ended),
        sample means with standard errors ``s / sqrt(samples)``, ``samples``, ``seed`` and
        ``stream_version = PROTOCOL_STREAM_VERSION``.

    Notes
    -----
    ``mean_time_stderr = sqrt(Var(T) / n)`` with the unbiased sample variance; the same for ``w``. Each run
    is a renewal of the protocol, so the runs are i.i.d. and the central limit theorem applies.

    Examples
    --------
    >>> res = simulate(ProtocolSpec(2, 0.5), samples=20_000, seed=1)
    >>> exact = (3 - 2 * 0.5) / (0.5 * (2 - 0.5))  # Shchukin et al. 2019 with p_swap = 1
    >>> abs(res.mean_time - exact) < 5 * res.mean_time_stderr
    True
    """
    if not isinstance(spec, ProtocolSpec):
        from pqms_physics.errors import PQMSValueError

        raise PQMSValueError(f"spec must be a ProtocolSpec, got {type(spec).__name__}")
    n = check_int("samples", samples, 1)
    seed = check_seed("seed", seed)
    chunk = DEFAULT_CHUNK if chunk is None else check_int("chunk", chunk, 1)
    device = check_choice("device", device, DEVICES)
    args = kernel_args(spec)
    if device == "cuda":
        from pqms_physics.kernels.protocol_cuda import device_args

        args = device_args(args)  # raises CudaUnavailableError without a GPU; tables copied once
    t_trunc = _auto_t_trunc(args, seed, n, device) if t_trunc is None else check_int("t_trunc", t_trunc, 1)
    hist = np.zeros(t_trunc + 2, dtype=np.int64)
    hist_w = np.zeros(t_trunc + 2, dtype=np.int64)
    sums = [0, 0, 0, 0]
    n_chunks = -(-n // chunk)
    with progress_bar(progress, n_chunks, desc="protocol runs", unit="chunk") as bar:
        for k in range(n_chunks):
            start = k * chunk
            h, hw, s = _count(args, seed, start, min(chunk, n - start), t_trunc, None, device)
            hist += h
            hist_w += hw
            sums = [a + b for a, b in zip(sums, s, strict=True)]
            bar.update(1)
    return _result(spec, hist, hist_w, sums, n, seed)


def _result(
    spec: ProtocolSpec, hist: np.ndarray, hist_w: np.ndarray, sums: Sequence[int], n: int, seed: int
) -> ProtocolResult:
    counts = hist[:-1]
    pmf = counts / n
    with np.errstate(invalid="ignore", divide="ignore"):
        werner = np.where(counts > 0, hist_w[:-1] / ref.W_SCALE / np.maximum(counts, 1), np.nan)
    s_t, s_t2, s_w, s_w2 = sums
    mean_w = s_w / ref.W_SCALE / n
    if n > 1:
        var_t = (n * s_t2 - s_t * s_t) / (n * (n - 1))  # exact integers until the division
        var_w = max(0.0, (s_w2 / ref.W_SCALE - n * mean_w * mean_w) / (n - 1))
    else:
        var_t = var_w = math.nan
    se_t = math.sqrt(max(0.0, var_t) / n) if n > 1 else math.nan
    se_w = math.sqrt(var_w / n) if n > 1 else math.nan
    return ProtocolResult(
        spec=spec,
        method="monte-carlo",
        pmf=pmf,
        werner=werner,
        truncated_mass=int(hist[-1]) / n,
        mean_time=s_t / n,
        mean_werner=mean_w,
        mean_time_stderr=se_t,
        mean_werner_stderr=se_w,
        samples=n,
        seed=seed,
        stream_version=PROTOCOL_STREAM_VERSION,
    )


__all__ = ["DEVICES", "PROTOCOL_STREAM_VERSION", "kernel_args", "simulate"]
