"""NumPy reference twin of the Monte Carlo kernels: the same stream, written plainly.

This is the test oracle of :mod:`.cpu` and :mod:`.cuda` and the source of the FPGA golden vectors.
It follows :mod:`pqms_physics.kernels.rng` literally: draws with NumPy's wrap-around ``uint64``
arithmetic, the cell of each draw by ``searchsorted`` on the threshold row (not the
threshold-counting trick of the fast kernels, so the two are independent implementations), the
setting of each pair straight from the rule. It works in blocks of :data:`BLOCK` pairs, so memory
stays bounded, but it is ~50x slower than the Numba kernel: use it for small ``pairs``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels._plan import SamplingPlan, make_plan
from pqms_physics.kernels.result import SampleCounts
from pqms_physics.kernels.rng import draws

#: Pairs processed per NumPy block (bounded memory: ~10 arrays of this length).
BLOCK: int = 1 << 20
#: Largest ``pairs`` that :func:`sample_records` materialises.
MAX_RECORDS: int = 50_000_000


def _records(plan: SamplingPlan, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Settings and outcomes of global pairs ``[lo, hi)`` (per-pair arrays)."""
    s_count, k = plan.n_settings, plan.n_outcomes
    i = np.arange(lo, hi, dtype=np.int64)
    if plan.setting_choice == "random":  # v_i (setting bits on top of r'_i) or r_i on the joint table
        v = draws(plan.key, lo, hi - lo, shift=plan.shift)
        cell = np.searchsorted(plan.table[0], v, side="right") - 1
        return cell // k, cell % k
    r = draws(plan.key, lo, hi - lo)
    if plan.setting_choice == "cyclic":
        settings = i % s_count
    else:
        settings = i // plan.block_len
    outcomes = np.empty(hi - lo, dtype=np.int64)
    for s in range(s_count):
        sel = settings == s
        outcomes[sel] = np.searchsorted(plan.table[s], r[sel], side="right") - 1
    return settings, outcomes


def _count_plan(plan: SamplingPlan, progress: Any = None) -> SampleCounts:
    s_count, k = plan.n_settings, plan.n_outcomes
    cells = s_count * k
    counts = np.zeros(cells, dtype=np.int64)
    window_counts = None
    if plan.window is not None:
        window_counts = np.zeros(plan.n_windows * cells, dtype=np.int64)
    end = plan.start + plan.pairs
    for lo in range(plan.start, end, BLOCK):
        hi = min(end, lo + BLOCK)
        settings, outcomes = _records(plan, lo, hi)
        flat = settings * k + outcomes
        counts += np.bincount(flat, minlength=cells)
        if window_counts is not None:
            w = (np.arange(lo, hi, dtype=np.int64) - plan.start) // plan.window
            window_counts += np.bincount(w * cells + flat, minlength=window_counts.size)
        if progress is not None:
            progress(hi - lo)
    return plan.result(counts, window_counts, "numpy")


def sample_counts_reference(
    probs: Any,
    pairs: Any,
    seed: Any,
    *,
    setting_choice: str = "random",
    window: Any = None,
    stream: Any = 0,
    start: Any = 0,
    total_pairs: Any = None,
    progress: Any = None,
) -> SampleCounts:
    """NumPy twin of :func:`pqms_physics.kernels.sample_counts` (its ``device="numpy"``).

    Same parameters and result as ``sample_counts`` (without ``device``); see its docstring.
    ``progress`` is accepted for signature compatibility and handled by ``sample_counts``; here
    a callable receiving the number of pairs done per block may be passed.

    Examples
    --------
    >>> res = sample_counts_reference([[0.9, 0.1]], 10_000, seed=3)
    >>> int(res.counts.sum()), res.device
    (10000, 'numpy')
    """
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
    return _count_plan(plan, progress if callable(progress) else None)


def sample_records(
    probs: Any,
    pairs: Any,
    seed: Any,
    *,
    setting_choice: str = "random",
    stream: Any = 0,
    start: Any = 0,
    total_pairs: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair settings and outcomes of global pairs ``[start, start + pairs)``.

    The only function of the package that returns per-pair arrays (the FPGA testbench's golden
    inputs come from it); ``pairs`` is capped at :data:`MAX_RECORDS`.

    Parameters
    ----------
    probs, pairs, seed, setting_choice, stream, start, total_pairs
        As in :func:`pqms_physics.kernels.sample_counts`.

    Returns
    -------
    settings, outcomes : numpy.ndarray of int64, shape (pairs,)
        Setting index in ``[0, S)`` and outcome index in ``[0, K)`` of each pair; their joint
        histogram equals ``sample_counts(...).counts`` for the same arguments.

    Examples
    --------
    >>> s, o = sample_records([[0.5, 0.5], [0.5, 0.5]], 4, seed=0, setting_choice="cyclic")
    >>> s.tolist()
    [0, 1, 0, 1]
    """
    plan = make_plan(
        probs, pairs, seed, setting_choice=setting_choice, stream=stream, start=start, total_pairs=total_pairs
    )
    if plan.pairs > MAX_RECORDS:
        raise PQMSValueError(
            f"pairs must be <= {MAX_RECORDS} for per-pair records (use sample_counts for more), got {plan.pairs}"
        )
    return _records(plan, plan.start, plan.start + plan.pairs)
