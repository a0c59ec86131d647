"""Public sampling entry point: validate, pick a device, walk the run in calls, return counts.

Importing this module is light (NumPy only); the Numba CPU kernels and the CUDA path are imported
on first use.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from pqms_physics.errors import check_choice
from pqms_physics.kernels._driver import accumulate_calls
from pqms_physics.kernels._plan import SamplingPlan, make_plan
from pqms_physics.kernels.result import SampleCounts
from pqms_physics.progress import progress_bar

DEVICES: tuple[str, ...] = ("cpu", "numpy", "cuda")
#: Pairs per kernel call on the CPU (progress-bar granularity; never changes results). Each call ends
#: with a barrier of the thread pool; on a loaded machine 2**27-pair calls lost a third of the
#: throughput there (OpenMP threads spin while a descheduled one finishes), 2**30 loses little.
CPU_CALL_PAIRS: int = 1 << 30
#: Rough throughputs (pairs/s) used only to decide whether a run deserves a progress bar.
_EXPECTED_RATE = {"cpu": 3e8, "numpy": 1e7, "cuda": 2e10}
#: A bar is shown automatically for runs expected to last longer than this (s).
PROGRESS_AFTER_S: float = 3.0


def _progress_bar(plan: SamplingPlan, device: str, progress: Any):
    """A bar over pairs from :func:`pqms_physics.progress.progress_bar`; ``None`` = a bar only when stderr is
    a terminal *and* the run is expected to last more than :data:`PROGRESS_AFTER_S` seconds."""
    if progress is None:
        isatty = getattr(sys.stderr, "isatty", None)
        progress = bool(isatty and isatty()) and plan.pairs / _EXPECTED_RATE[device] > PROGRESS_AFTER_S
    return progress_bar(progress, plan.pairs, desc=f"sampling ({device})", unit="pair", unit_scale=True)


def _count_cpu(
    plan: SamplingPlan,
    update: Callable[[int], Any] | None,
    *,
    chunk: int | None = None,
    call_pairs: int = CPU_CALL_PAIRS,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Counts (S*K,) and window counts (n_windows, S*K) of a plan with the Numba kernels."""
    from pqms_physics.kernels import cpu

    chunk = cpu.DEFAULT_CHUNK if chunk is None else chunk
    tpad = cpu.padded_thresholds(plan.table, plan.n_settings, cpu.w16_width(plan))
    return accumulate_calls(
        plan, call_pairs, lambda lo, hi: cpu.count_plan_range(plan, lo, hi, chunk=chunk, tpad=tpad), update
    )


def sample_counts(
    probs: Any,
    pairs: Any,
    seed: Any,
    *,
    setting_choice: str = "random",
    window: Any = None,
    stream: Any = 0,
    start: Any = 0,
    total_pairs: Any = None,
    device: str = "cpu",
    progress: bool | None = None,
) -> SampleCounts:
    """Sample pairs from exact outcome probabilities and return their counts (never per-pair data).

    Parameters
    ----------
    probs : array_like, shape (S, K)
        ``probs[s, o]`` = probability of outcome ``o`` given setting ``s`` (for two binary
        detectors ``K = 4`` and ``o = 2*a + b``, see :mod:`pqms_physics.conventions`). Finite,
        ``>= 0``, each row summing to 1 within 1e-12; ``S >= 1``, ``K >= 2``. Probabilities are
        quantised to multiples of ``2**-53`` (:func:`~pqms_physics.kernels.rng.thresholds`).
    pairs : int
        Number of pairs to sample, ``>= 1`` (an integral float such as ``1e8`` is accepted).
    seed : int
        Seed in ``[0, 2**64 - 1]``.
    setting_choice : {"random", "cyclic", "blocks"}, optional
        ``"random"``: setting uniform and independent per pair (drawn with the outcome);
        ``"cyclic"``: setting ``i mod S`` of global pair ``i``; ``"blocks"``: ``S`` consecutive
        blocks of ``total_pairs // S`` pairs (``total_pairs`` divisible by ``S``).
    window : int, optional
        Also return counts per window of ``window`` consecutive pairs; must divide
        ``total_pairs``, ``start`` and ``pairs``.
    stream : int, optional
        Sub-stream number in ``[0, 2**64 - 1]`` (independent streams for one seed).
    start, total_pairs : int, optional
        Sample global pairs ``[start, start + pairs)`` of a run of ``total_pairs`` pairs (default
        ``start = 0``, ``total_pairs = start + pairs``). Shards of one run add up exactly to the
        single call: ``sample_counts(..., start=0, pairs=m) + sample_counts(..., start=m, ...)``.
    device : {"cpu", "numpy", "cuda"}, optional
        ``"cpu"``: Numba, parallel over all Numba threads; ``"numpy"``: the NumPy reference twin
        (slow, for small runs and tests); ``"cuda"``: Numba CUDA (extra ``gpu``); raises
        :class:`~pqms_physics.kernels.cuda.CudaUnavailableError` without a usable GPU. All three
        give identical counts.
    progress : bool or callable, optional
        Progress bar on stderr: None (default) shows one only when stderr is a terminal and the
        run is expected to last more than a few seconds; a callable ``progress(done, total)``
        receives the pairs done instead (:func:`pqms_physics.progress.progress_bar`).

    Returns
    -------
    SampleCounts
        Counts ``(S, K)``, optional window counts ``(pairs // window, S, K)`` and the inputs
        (seed, stream, range, stream version).

    Notes
    -----
    Pair ``i`` draws ``r_i = mix64(key + (i + 1) * GAMMA) >> 11`` (SplitMix64, 53 bits) and takes
    the cell ``c`` with ``T_c <= r_i < T_{c+1}`` of its threshold row (``"random"`` with ``S = 2**b``
    settings: the setting from the top ``b`` bits of the 64-bit draw, the outcome from the next 53); see
    :mod:`pqms_physics.kernels.rng` for the exact stream, the key derivation and the thresholds.
    Counts therefore do not depend on threads, chunking, sharding or device.

    References
    ----------
    G. L. Steele, D. Lea, C. H. Flood, OOPSLA 2014, doi:10.1145/2660193.2660195 (SplitMix64).

    Examples
    --------
    >>> res = sample_counts([[0.5, 0.0, 0.0, 0.5]], 1000, seed=42, device="numpy")
    >>> res.counts.shape, int(res.counts.sum()), int(res.counts[0, 1] + res.counts[0, 2])
    ((1, 4), 1000, 0)
    """
    check_choice("device", device, DEVICES)
    plan = make_plan(
        probs,
        pairs,
        seed,
        setting_choice=setting_choice,
        window=window,
        stream=stream,
        start=start,
        total_pairs=total_pairs,
    )
    if device == "cuda":
        from pqms_physics.kernels import cuda

        cuda.require_cuda()
    with _progress_bar(plan, device, progress) as bar:
        if device == "numpy":
            from pqms_physics.kernels.reference import _count_plan

            return _count_plan(plan, bar.update)
        if device == "cuda":
            counts, windows = cuda.count_plan(plan, bar.update)
        else:
            counts, windows = _count_cpu(plan, bar.update)
    return plan.result(counts, windows, device)
